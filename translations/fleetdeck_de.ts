<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>AlarmKpisView</name>
    <message>
        <source>Period:</source>
        <translation>Zeitraum:</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Alarms raised</source>
        <translation>Ausgelöste Alarme</translation>
    </message>
    <message>
        <source>Average per 10 minutes</source>
        <translation>Durchschnitt je 10 Minuten</translation>
    </message>
    <message>
        <source>Peak in 10 minutes</source>
        <translation>Spitze in 10 Minuten</translation>
    </message>
    <message>
        <source>Time in alarm flood</source>
        <translation>Zeit in Alarmflut</translation>
    </message>
    <message>
        <source>Chattering alarms</source>
        <translation>Flatternde Alarme</translation>
    </message>
    <message>
        <source>Stale (active &gt; 24 h)</source>
        <translation>Veraltet (aktiv &gt; 24 h)</translation>
    </message>
    <message>
        <source>Priority mix (critical / major / lower)</source>
        <translation>Prioritätenverteilung (kritisch / schwer / niedriger)</translation>
    </message>
    <message>
        <source>Top 10 bad actors: the rule or check and device that raised most</source>
        <translation>Top 10 der Störenfriede: Regel oder Prüfung und Gerät mit den meisten Auslösungen</translation>
    </message>
    <message>
        <source>Rule / check</source>
        <translation>Regel / Prüfung</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Raised</source>
        <translation>Ausgelöst</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>Anteil</translation>
    </message>
    <message>
        <source>Targets after EEMUA 191: about one alarm per 10 minutes per operator is very likely acceptable, two is manageable, ten or more is a flood; no chattering or stale alarms; roughly 5 % high, 15 % medium and 80 % low priority. Counted for the whole organisation.</source>
        <translation>Ziele nach EEMUA 191: etwa ein Alarm je 10 Minuten und Bediener ist sehr wahrscheinlich akzeptabel, zwei sind handhabbar, zehn oder mehr sind eine Flut; keine flatternden oder veralteten Alarme; etwa 5 % hohe, 15 % mittlere und 80 % niedrige Priorität. Gezählt für die ganze Organisation.</translation>
    </message>
    <message>
        <source>✓ %1</source>
        <translation>✓ %1</translation>
    </message>
    <message>
        <source>✗ Target missed: %1</source>
        <translation>✗ Ziel verfehlt: %1</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Wird gezählt…</translation>
    </message>
    <message>
        <source>Cannot read the alarm figures: %1</source>
        <translation>Die Alarmkennzahlen können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>in the period</source>
        <translation>im Zeitraum</translation>
    </message>
    <message>
        <source>at most 1: very likely acceptable</source>
        <translation>höchstens 1: sehr wahrscheinlich akzeptabel</translation>
    </message>
    <message>
        <source>at most 2: manageable</source>
        <translation>höchstens 2: handhabbar</translation>
    </message>
    <message>
        <source>at most 2</source>
        <translation>höchstens 2</translation>
    </message>
    <message>
        <source>under 10; at %1</source>
        <translation>unter 10; um %1</translation>
    </message>
    <message>
        <source>under 10</source>
        <translation>unter 10</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>under 1 % (%1 flood intervals)</source>
        <translation>unter 1 % (%1 Flutintervalle)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>none (a snapshot of now)</source>
        <translation>keine (Momentaufnahme)</translation>
    </message>
    <message>
        <source>about 5 / 15 / 80 %</source>
        <translation>etwa 5 / 15 / 80 %</translation>
    </message>
    <message>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>(the period has more alarm events than are counted at once: the figures are a lower bound)</source>
        <translation>(der Zeitraum hat mehr Alarmereignisse, als auf einmal gezählt werden: die Zahlen sind eine Untergrenze)</translation>
    </message>
</context>
<context>
    <name>AlarmTile</name>
    <message>
        <source>Alarms</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <source>Alarms: to acknowledge / active</source>
        <translation>Alarme: zu quittieren / aktiv</translation>
    </message>
</context>
<context>
    <name>AlertActionDialog</name>
    <message>
        <source>Acknowledge alerts</source>
        <translation>Alarme quittieren</translation>
    </message>
    <message>
        <source>Acknowledge this occurrence. A new occurrence will need its own acknowledgement.</source>
        <translation>Dieses Auftreten quittieren. Ein neues Auftreten braucht eine eigene Quittierung.</translation>
    </message>
    <message>
        <source>Acknowledge these %1 alerts. A new occurrence will need its own acknowledgement.</source>
        <translation>Diese %1 Alarme quittieren. Ein neues Auftreten braucht eine eigene Quittierung.</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>Quittieren</translation>
    </message>
    <message>
        <source>Clear alerts</source>
        <translation>Alarme schließen</translation>
    </message>
    <message>
        <source>Close this alert: it has returned to normal.</source>
        <translation>Diesen Alarm schließen: er ist in den Normalzustand zurückgekehrt.</translation>
    </message>
    <message>
        <source>Close these %1 alerts that returned to normal.</source>
        <translation>Diese %1 in den Normalzustand zurückgekehrten Alarme schließen.</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Shelve alerts</source>
        <translation>Alarme zurückstellen</translation>
    </message>
    <message>
        <source>Set this alert aside: it stays listed, greyed, and notifies no one while shelved.</source>
        <translation>Diesen Alarm zurückstellen: er bleibt grau gelistet und benachrichtigt niemanden, solange er zurückgestellt ist.</translation>
    </message>
    <message>
        <source>Set these %1 alerts aside: they stay listed, greyed, and notify no one while shelved.</source>
        <translation>Diese %1 Alarme zurückstellen: sie bleiben grau gelistet und benachrichtigen niemanden, solange sie zurückgestellt sind.</translation>
    </message>
    <message>
        <source>Shelve</source>
        <translation>Zurückstellen</translation>
    </message>
    <message>
        <source>Unshelve alerts</source>
        <translation>Zurückstellung aufheben</translation>
    </message>
    <message>
        <source>End the shelving of this alert.</source>
        <translation>Die Zurückstellung dieses Alarms beenden.</translation>
    </message>
    <message>
        <source>End the shelving of these %1 alerts.</source>
        <translation>Die Zurückstellung dieser %1 Alarme beenden.</translation>
    </message>
    <message>
        <source>Unshelve</source>
        <translation>Aufheben</translation>
    </message>
    <message>
        <source>Assign alerts</source>
        <translation>Alarme zuweisen</translation>
    </message>
    <message>
        <source>Who takes care of this alert?</source>
        <translation>Wer kümmert sich um diesen Alarm?</translation>
    </message>
    <message>
        <source>Who takes care of these %1 alerts?</source>
        <translation>Wer kümmert sich um diese %1 Alarme?</translation>
    </message>
    <message>
        <source>Assign</source>
        <translation>Zuweisen</translation>
    </message>
    <message>
        <source>… and %1 more</source>
        <translation>… und %1 weitere</translation>
    </message>
    <message>
        <source>For</source>
        <translation>Für</translation>
    </message>
    <message>
        <source>15 minutes</source>
        <translation>15 Minuten</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 Stunde</translation>
    </message>
    <message>
        <source>4 hours</source>
        <translation>4 Stunden</translation>
    </message>
    <message>
        <source>8 hours (a shift)</source>
        <translation>8 Stunden (eine Schicht)</translation>
    </message>
    <message>
        <source>24 hours (the longest)</source>
        <translation>24 Stunden (am längsten)</translation>
    </message>
    <message>
        <source>Shelve:</source>
        <translation>Zurückstellen:</translation>
    </message>
    <message>
        <source>Until it next returns to normal (one-shot)</source>
        <translation>Bis zur nächsten Rückkehr in den Normalzustand (einmalig)</translation>
    </message>
    <message>
        <source>Nobody (unassign)</source>
        <translation>Niemand (Zuweisung aufheben)</translation>
    </message>
    <message>
        <source>Your role cannot list the organisation&apos;s users; you can only unassign.</source>
        <translation>Ihre Rolle kann die Benutzer der Organisation nicht auflisten; Sie können nur die Zuweisung aufheben.</translation>
    </message>
    <message>
        <source>Assign to:</source>
        <translation>Zuweisen an:</translation>
    </message>
    <message>
        <source>Why it is set aside (required), e.g. sensor replaced, ticket 4711</source>
        <translation>Warum er zurückgestellt wird (erforderlich), z. B. Sensor getauscht, Ticket 4711</translation>
    </message>
    <message>
        <source>Optional, e.g. crew on the way</source>
        <translation>Optional, z. B. Trupp ist unterwegs</translation>
    </message>
    <message>
        <source>Note (required):</source>
        <translation>Notiz (erforderlich):</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Notiz:</translation>
    </message>
    <message>
        <source>%v of %m</source>
        <translation>%v von %m</translation>
    </message>
    <message>
        <source>%1 minutes</source>
        <translation>%1 Minuten</translation>
    </message>
    <message>
        <source>Say why the alert is shelved: the note is required and kept in its history.</source>
        <translation>Geben Sie an, warum der Alarm zurückgestellt wird: die Notiz ist erforderlich und bleibt in seinem Verlauf.</translation>
    </message>
    <message>
        <source>The note is %1 characters long; at most %2 are kept.</source>
        <translation>Die Notiz ist %1 Zeichen lang; höchstens %2 werden gespeichert.</translation>
    </message>
    <message>
        <source>%1 (%2): %3</source>
        <translation>%1 (%2): %3</translation>
    </message>
    <message>
        <source>%1 done; the server refused %2:</source>
        <translation>%1 erledigt; der Server hat %2 abgelehnt:</translation>
    </message>
    <message>
        <source>The server refused it:</source>
        <translation>Der Server hat es abgelehnt:</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Erneut versuchen</translation>
    </message>
</context>
<context>
    <name>AlertInfo</name>
    <message>
        <source>Critical</source>
        <translation>Kritisch</translation>
    </message>
    <message>
        <source>Major</source>
        <translation>Schwer</translation>
    </message>
    <message>
        <source>Minor</source>
        <translation>Leicht</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>Info</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Geschlossen</translation>
    </message>
    <message>
        <source>Active, acknowledged</source>
        <translation>Aktiv, quittiert</translation>
    </message>
    <message>
        <source>Active, unacknowledged</source>
        <translation>Aktiv, nicht quittiert</translation>
    </message>
    <message>
        <source>Returned to normal</source>
        <translation>Zurück im Normalzustand</translation>
    </message>
    <message>
        <source>Returned, unacknowledged</source>
        <translation>Zurück, nicht quittiert</translation>
    </message>
    <message>
        <source>Shelved until it clears</source>
        <translation>Zurückgestellt, bis er endet</translation>
    </message>
    <message>
        <source>Shelved until %1</source>
        <translation>Zurückgestellt bis %1</translation>
    </message>
    <message>
        <source>Suppressed: %1</source>
        <translation>Unterdrückt: %1</translation>
    </message>
    <message>
        <source>Out of service</source>
        <translation>Außer Betrieb</translation>
    </message>
    <message>
        <source>Chattering</source>
        <translation>Flatternd</translation>
    </message>
    <message>
        <source>Offline too long</source>
        <translation>Zu lange offline</translation>
    </message>
    <message>
        <source>Certificate expiring</source>
        <translation>Zertifikat läuft ab</translation>
    </message>
    <message>
        <source>Commands failing</source>
        <translation>Befehle schlagen fehl</translation>
    </message>
    <message>
        <source>Device health (%1)</source>
        <translation>Gerätezustand (%1)</translation>
    </message>
    <message>
        <source>(deleted rule)</source>
        <translation>(gelöschte Regel)</translation>
    </message>
</context>
<context>
    <name>AlertsModel</name>
    <message>
        <source>First raised %1; occurrences: %2</source>
        <translation>Zuerst ausgelöst %1; Auftreten: %2</translation>
    </message>
    <message>
        <source>Acknowledged by %1: %2</source>
        <translation>Quittiert von %1: %2</translation>
    </message>
    <message>
        <source>Shelved by %1: %2</source>
        <translation>Zurückgestellt von %1: %2</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Rule / check</source>
        <translation>Regel / Prüfung</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Last raised</source>
        <translation>Zuletzt ausgelöst</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>Assigned to</source>
        <translation>Zugewiesen an</translation>
    </message>
    <message>
        <source>Shelved / suppressed</source>
        <translation>Zurückgestellt / unterdrückt</translation>
    </message>
</context>
<context>
    <name>AlertsView</name>
    <message>
        <source>Show:</source>
        <translation>Anzeigen:</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Needing acknowledgement</source>
        <translation>Zu quittieren</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Shelved</source>
        <translation>Zurückgestellt</translation>
    </message>
    <message>
        <source>Returned to normal</source>
        <translation>Zurück im Normalzustand</translation>
    </message>
    <message>
        <source>Closed (history)</source>
        <translation>Geschlossen (Verlauf)</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Show or hide %1 alerts</source>
        <translation>%1-Alarme ein- oder ausblenden</translation>
    </message>
    <message>
        <source>Filter – device, rule, message</source>
        <translation>Filter – Gerät, Regel, Meldung</translation>
    </message>
    <message>
        <source>Sound for new criticals</source>
        <translation>Ton bei neuen kritischen Alarmen</translation>
    </message>
    <message>
        <source>Silence</source>
        <translation>Stumm</translation>
    </message>
    <message>
        <source>Stop the sound until the next new critical; silencing does not acknowledge</source>
        <translation>Den Ton bis zum nächsten neuen kritischen Alarm abstellen; Stummschalten quittiert nicht</translation>
    </message>
    <message>
        <source>Acknowledge…</source>
        <translation>Quittieren…</translation>
    </message>
    <message>
        <source>Clear…</source>
        <translation>Schließen…</translation>
    </message>
    <message>
        <source>Shelve…</source>
        <translation>Zurückstellen…</translation>
    </message>
    <message>
        <source>Unshelve…</source>
        <translation>Zurückstellung aufheben…</translation>
    </message>
    <message>
        <source>Assign…</source>
        <translation>Zuweisen…</translation>
    </message>
    <message>
        <source>Open device</source>
        <translation>Gerät öffnen</translation>
    </message>
    <message>
        <source>Alarm list</source>
        <translation>Alarmliste</translation>
    </message>
    <message>
        <source>Alarm performance (KPIs)</source>
        <translation>Alarmleistung (Kennzahlen)</translation>
    </message>
    <message>
        <source>Loading alerts…</source>
        <translation>Alarme werden geladen…</translation>
    </message>
    <message>
        <source>Cannot read the alerts: %1</source>
        <translation>Die Alarme können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>%1 shown of %2; %3 open, %4 need acknowledgement</source>
        <translation>%1 von %2 angezeigt; %3 offen, %4 zu quittieren</translation>
    </message>
    <message>
        <source>(the newest %1 only)</source>
        <translation>(nur die neuesten %1)</translation>
    </message>
    <message>
        <source>Shelving is for tenant administrators</source>
        <translation>Zurückstellen ist Mandanten-Administratoren vorbehalten</translation>
    </message>
    <message>
        <source>Select an alert to see its history.</source>
        <translation>Wählen Sie einen Alarm, um seinen Verlauf zu sehen.</translation>
    </message>
    <message>
        <source>%1 alerts selected.</source>
        <translation>%1 Alarme ausgewählt.</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>Gerät: %1</translation>
    </message>
    <message>
        <source>Rule / check: %1</source>
        <translation>Regel / Prüfung: %1</translation>
    </message>
    <message>
        <source>First raised %1, last raised %2, occurrences: %3</source>
        <translation>Zuerst ausgelöst %1, zuletzt ausgelöst %2, Auftreten: %3</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
</context>
<context>
    <name>ApiClient</name>
    <message>
        <source>Nothing answers at %1. Check the address and port, and that the server is running.</source>
        <translation>Unter %1 antwortet nichts. Prüfen Sie Adresse und Port und ob der Server läuft.</translation>
    </message>
    <message>
        <source>The server name %1 could not be found. Check the address.</source>
        <translation>Der Servername %1 wurde nicht gefunden. Prüfen Sie die Adresse.</translation>
    </message>
    <message>
        <source>The server at %1 closed the connection unexpectedly.</source>
        <translation>Der Server unter %1 hat die Verbindung unerwartet geschlossen.</translation>
    </message>
    <message>
        <source>The server at %1 did not answer in time.</source>
        <translation>Der Server unter %1 hat nicht rechtzeitig geantwortet.</translation>
    </message>
    <message>
        <source>The network is not available.</source>
        <translation>Das Netzwerk ist nicht verfügbar.</translation>
    </message>
    <message>
        <source>Only https:// addresses are supported.</source>
        <translation>Nur https://-Adressen werden unterstützt.</translation>
    </message>
    <message>
        <source>Could not reach the server at %1.</source>
        <translation>Der Server unter %1 ist nicht erreichbar.</translation>
    </message>
    <message>
        <source>The server presented a different certificate authority than the one you trusted. This can mean that someone is intercepting the connection.</source>
        <translation>Der Server weist eine andere Zertifizierungsstelle vor als die, der Sie vertraut haben. Das kann bedeuten, dass jemand die Verbindung abfängt.</translation>
    </message>
    <message>
        <source>This server&apos;s certificate authority is not trusted yet.</source>
        <translation>Der Zertifizierungsstelle dieses Servers wird noch nicht vertraut.</translation>
    </message>
    <message>
        <source>The server did not send its certificate authority, so it cannot be verified.</source>
        <translation>Der Server hat seine Zertifizierungsstelle nicht mitgeschickt und kann daher nicht geprüft werden.</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is not valid: %1</source>
        <translation>Das Zertifikat des Servers ist ungültig: %1</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>The secure connection could not be set up (%1).</source>
        <translation>Die sichere Verbindung konnte nicht aufgebaut werden (%1).</translation>
    </message>
    <message>
        <source>The server sent an answer the console does not understand.</source>
        <translation>Der Server hat eine Antwort geschickt, die die Konsole nicht versteht.</translation>
    </message>
    <message>
        <source>The server did not accept the credentials.</source>
        <translation>Der Server hat die Anmeldedaten nicht akzeptiert.</translation>
    </message>
    <message>
        <source>You are not allowed to do this.</source>
        <translation>Dazu sind Sie nicht berechtigt.</translation>
    </message>
    <message>
        <source>The server does not offer this function. Is this a Fleetdeck server?</source>
        <translation>Der Server bietet diese Funktion nicht an. Ist das ein Fleetdeck-Server?</translation>
    </message>
    <message>
        <source>The server is busy. Try again in a moment.</source>
        <translation>Der Server ist ausgelastet. Versuchen Sie es gleich noch einmal.</translation>
    </message>
    <message>
        <source>The server reported an internal error (HTTP %1).</source>
        <translation>Der Server meldet einen internen Fehler (HTTP %1).</translation>
    </message>
    <message>
        <source>The server rejected the request (HTTP %1).</source>
        <translation>Der Server hat die Anfrage abgelehnt (HTTP %1).</translation>
    </message>
</context>
<context>
    <name>ChannelDialog</name>
    <message>
        <source>New notification channel</source>
        <translation>Neuer Benachrichtigungskanal</translation>
    </message>
    <message>
        <source>Notification channel “%1”</source>
        <translation>Benachrichtigungskanal „%1“</translation>
    </message>
    <message>
        <source>Change notification channel “%1”</source>
        <translation>Benachrichtigungskanal „%1“ ändern</translation>
    </message>
    <message>
        <source>e.g. On-call webhook</source>
        <translation>z. B. Bereitschafts-Webhook</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>Art:</translation>
    </message>
    <message>
        <source>Send notifications over this channel</source>
        <translation>Benachrichtigungen über diesen Kanal senden</translation>
    </message>
    <message>
        <source>A channel that is switched off keeps its settings; what waits for it is cancelled.</source>
        <translation>Ein ausgeschalteter Kanal behält seine Einstellungen; was auf ihn wartet, wird abgebrochen.</translation>
    </message>
    <message>
        <source>Active:</source>
        <translation>Aktiv:</translation>
    </message>
    <message>
        <source>Write-only: the server never shows it again; ******** keeps the stored one.</source>
        <translation>Nur schreibbar: Der Server zeigt den Wert nie wieder an; ******** behält den gespeicherten.</translation>
    </message>
    <message>
        <source>One “Name: value” per line.</source>
        <translation>Ein „Name: Wert“ pro Zeile.</translation>
    </message>
    <message>
        <source>The server POSTs each notification as JSON to this URL. With a secret, each request is signed (X-Fleetdeck-Signature: HMAC-SHA256 of timestamp and body).</source>
        <translation>Der Server sendet jede Benachrichtigung per POST als JSON an diese URL. Mit einem Geheimnis wird jede Anfrage signiert (X-Fleetdeck-Signature: HMAC-SHA256 über Zeitstempel und Body).</translation>
    </message>
    <message>
        <source>URL:</source>
        <translation>URL:</translation>
    </message>
    <message>
        <source>HMAC secret:</source>
        <translation>HMAC-Geheimnis:</translation>
    </message>
    <message>
        <source>Extra headers:</source>
        <translation>Zusätzliche Header:</translation>
    </message>
    <message>
        <source>The server sends each notification as an e-mail through this SMTP server.</source>
        <translation>Der Server sendet jede Benachrichtigung als E-Mail über diesen SMTP-Server.</translation>
    </message>
    <message>
        <source>SMTP host:</source>
        <translation>SMTP-Host:</translation>
    </message>
    <message>
        <source>STARTTLS</source>
        <translation>STARTTLS</translation>
    </message>
    <message>
        <source>TLS from the start (SMTPS)</source>
        <translation>TLS von Anfang an (SMTPS)</translation>
    </message>
    <message>
        <source>None (no credentials)</source>
        <translation>Keine (ohne Anmeldedaten)</translation>
    </message>
    <message>
        <source>Security:</source>
        <translation>Sicherheit:</translation>
    </message>
    <message>
        <source>Default (587, 465 or 25)</source>
        <translation>Standard (587, 465 oder 25)</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Port:</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>Benutzername:</translation>
    </message>
    <message>
        <source>Empty: no login.</source>
        <translation>Leer: keine Anmeldung.</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Passwort:</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>Absender:</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>Empfänger:</translation>
    </message>
    <message>
        <source>Addresses separated by commas.</source>
        <translation>Adressen durch Kommas getrennt.</translation>
    </message>
    <message>
        <source>CA file on the server:</source>
        <translation>CA-Datei auf dem Server:</translation>
    </message>
    <message>
        <source>Empty: the server&apos;s system CAs.</source>
        <translation>Leer: die System-CAs des Servers.</translation>
    </message>
    <message>
        <source>Verify the mail server&apos;s certificate</source>
        <translation>Zertifikat des Mailservers prüfen</translation>
    </message>
    <message>
        <source>Certificate:</source>
        <translation>Zertifikat:</translation>
    </message>
    <message>
        <source>The server POSTs one request per number to the SMS gateway&apos;s URL.</source>
        <translation>Der Server sendet pro Nummer eine POST-Anfrage an die URL des SMS-Gateways.</translation>
    </message>
    <message>
        <source>Gateway URL:</source>
        <translation>Gateway-URL:</translation>
    </message>
    <message>
        <source>Numbers:</source>
        <translation>Nummern:</translation>
    </message>
    <message>
        <source>Separated by commas; 5 to 15 digits, an optional leading +.</source>
        <translation>Durch Kommas getrennt; 5 bis 15 Ziffern, optional mit führendem +.</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>Form (URL-encoded)</source>
        <translation>Formular (URL-codiert)</translation>
    </message>
    <message>
        <source>Body format:</source>
        <translation>Body-Format:</translation>
    </message>
    <message>
        <source>Number field:</source>
        <translation>Feld für die Nummer:</translation>
    </message>
    <message>
        <source>Text field:</source>
        <translation>Feld für den Text:</translation>
    </message>
    <message>
        <source>Authorization header:</source>
        <translation>Authorization-Header:</translation>
    </message>
    <message>
        <source>Alerts become PagerDuty incidents (Events API v2): raised triggers, acknowledged acknowledges, cleared and closed resolve.</source>
        <translation>Alarme werden zu PagerDuty-Incidents (Events API v2): ausgelöst → trigger, quittiert → acknowledge, beendet und geschlossen → resolve.</translation>
    </message>
    <message>
        <source>Routing key:</source>
        <translation>Routing Key:</translation>
    </message>
    <message>
        <source>Default: PagerDuty&apos;s Events API</source>
        <translation>Standard: die Events API von PagerDuty</translation>
    </message>
    <message>
        <source>Events URL:</source>
        <translation>Events-URL:</translation>
    </message>
    <message>
        <source>Only tenant administrators can change notification channels.</source>
        <translation>Nur Mandanten-Administratoren können Benachrichtigungskanäle ändern.</translation>
    </message>
    <message>
        <source>The kind of a channel cannot change; make a new channel instead.</source>
        <translation>Die Art eines Kanals lässt sich nicht ändern; legen Sie stattdessen einen neuen Kanal an.</translation>
    </message>
    <message>
        <source>Line %1 is not “Name: value”.</source>
        <translation>Zeile %1 hat nicht die Form „Name: Wert“.</translation>
    </message>
    <message>
        <source>The server did not accept the channel: %1</source>
        <translation>Der Server hat den Kanal nicht angenommen: %1</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>The channel was not saved: %1</source>
        <translation>Der Kanal wurde nicht gespeichert: %1</translation>
    </message>
</context>
<context>
    <name>ChannelInfo</name>
    <message>
        <source>Webhook</source>
        <translation>Webhook</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>SMS gateway</source>
        <translation>SMS-Gateway</translation>
    </message>
    <message>
        <source>PagerDuty</source>
        <translation>PagerDuty</translation>
    </message>
    <message>
        <source>%1 via %2</source>
        <translation>%1 über %2</translation>
    </message>
    <message>
        <source>PagerDuty Events API</source>
        <translation>PagerDuty Events API</translation>
    </message>
</context>
<context>
    <name>ChannelsModel</name>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Switched off</source>
        <translation>Ausgeschaltet</translation>
    </message>
    <message>
        <source>None yet</source>
        <translation>Noch keine</translation>
    </message>
    <message>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>%1
Attempts: %2
Answer: %3</source>
        <translation>%1
Versuche: %2
Antwort: %3</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Sends to</source>
        <translation>Sendet an</translation>
    </message>
    <message>
        <source>Last delivery</source>
        <translation>Letzte Zustellung</translation>
    </message>
</context>
<context>
    <name>ChannelsView</name>
    <message>
        <source>Notification channels</source>
        <translation>Benachrichtigungskanäle</translation>
    </message>
    <message>
        <source>New…</source>
        <translation>Neu…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Bearbeiten…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen…</translation>
    </message>
    <message>
        <source>Send test</source>
        <translation>Test senden</translation>
    </message>
    <message>
        <source>Send a test message over the selected channel; its outcome shows in the delivery log</source>
        <translation>Eine Testnachricht über den gewählten Kanal senden; das Ergebnis erscheint im Zustellprotokoll</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Delivery log</source>
        <translation>Zustellprotokoll</translation>
    </message>
    <message>
        <source>Policies decide which alerts, and which of their changes, go to which channels.</source>
        <translation>Richtlinien legen fest, welche Alarme – und welche ihrer Änderungen – an welche Kanäle gehen.</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Hinzufügen…</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>Entfernen…</translation>
    </message>
    <message>
        <source>Policies</source>
        <translation>Richtlinien</translation>
    </message>
    <message>
        <source>Details…</source>
        <translation>Details…</translation>
    </message>
    <message>
        <source>Channels: %1</source>
        <translation>Kanäle: %1</translation>
    </message>
    <message>
        <source>read at %1</source>
        <translation>gelesen um %1</translation>
    </message>
    <message>
        <source>not current: %1</source>
        <translation>nicht aktuell: %1</translation>
    </message>
    <message>
        <source>Entries: the newest %1</source>
        <translation>Einträge: die neuesten %1</translation>
    </message>
    <message>
        <source>Entries: %1</source>
        <translation>Einträge: %1</translation>
    </message>
    <message>
        <source>Test over “%1”: %2</source>
        <translation>Test über „%1“: %2</translation>
    </message>
    <message>
        <source>Your role may not see the notification channels (operators and administrators can).</source>
        <translation>Ihre Rolle darf die Benachrichtigungskanäle nicht sehen (Bediener und Administratoren dürfen es).</translation>
    </message>
    <message>
        <source>Cannot read the notification channels: %1</source>
        <translation>Die Benachrichtigungskanäle können nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>could not be read at %1</source>
        <translation>um %1 nicht lesbar</translation>
    </message>
    <message>
        <source>could not be read at %1 (%2)</source>
        <translation>um %1 nicht lesbar (%2)</translation>
    </message>
    <message>
        <source>Channel “%1” made. Send a test to check that it reaches its receiver.</source>
        <translation>Kanal „%1“ angelegt. Senden Sie einen Test, um zu prüfen, ob er seinen Empfänger erreicht.</translation>
    </message>
    <message>
        <source>Channel “%1” changed.</source>
        <translation>Kanal „%1“ geändert.</translation>
    </message>
    <message>
        <source>Delete channel</source>
        <translation>Kanal löschen</translation>
    </message>
    <message>
        <source>Delete the channel “%1”? Notifications still waiting for it are cancelled.</source>
        <translation>Den Kanal „%1“ löschen? Benachrichtigungen, die noch auf ihn warten, werden abgebrochen.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>The channel “%1” was not deleted: %2</source>
        <translation>Der Kanal „%1“ wurde nicht gelöscht: %2</translation>
    </message>
    <message>
        <source>Channel “%1” deleted.</source>
        <translation>Kanal „%1“ gelöscht.</translation>
    </message>
    <message>
        <source>Sending a test message over “%1”…</source>
        <translation>Testnachricht über „%1“ wird gesendet…</translation>
    </message>
    <message>
        <source>The test over “%1” was not started: %2</source>
        <translation>Der Test über „%1“ wurde nicht gestartet: %2</translation>
    </message>
    <message>
        <source>Test message for “%1” is queued; waiting for the receiver…</source>
        <translation>Testnachricht für „%1“ steht in der Warteschlange; warte auf den Empfänger…</translation>
    </message>
    <message>
        <source>The test message has not been tried yet; Refresh shows its outcome later.</source>
        <translation>Die Testnachricht wurde noch nicht zugestellt; „Aktualisieren“ zeigt das Ergebnis später.</translation>
    </message>
    <message>
        <source>Policy “%1” added.</source>
        <translation>Richtlinie „%1“ hinzugefügt.</translation>
    </message>
    <message>
        <source>Remove policy</source>
        <translation>Richtlinie entfernen</translation>
    </message>
    <message>
        <source>Remove the policy “%1”? Its alerts are no longer sent; what it already sent stays in the log.</source>
        <translation>Die Richtlinie „%1“ entfernen? Ihre Alarme werden nicht mehr gesendet; was sie bereits gesendet hat, bleibt im Protokoll.</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>The policy “%1” was not removed: %2</source>
        <translation>Die Richtlinie „%1“ wurde nicht entfernt: %2</translation>
    </message>
    <message>
        <source>Policy “%1” removed.</source>
        <translation>Richtlinie „%1“ entfernt.</translation>
    </message>
</context>
<context>
    <name>CommandConsole</name>
    <message>
        <source>queued</source>
        <translation>in Warteschlange</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>gesendet</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>zugestellt</translation>
    </message>
    <message>
        <source>succeeded</source>
        <translation>erfolgreich</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>abgelehnt</translation>
    </message>
    <message>
        <source>timed out</source>
        <translation>Zeitüberschreitung</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>abgelaufen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>Sent at</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Took</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Payload: %1</source>
        <translation>Nutzdaten: %1</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>Ping</source>
        <translation>Ping</translation>
    </message>
    <message>
        <source>Answers at once; checks that the device runs commands.</source>
        <translation>Antwortet sofort; prüft, ob das Gerät Befehle ausführt.</translation>
    </message>
    <message>
        <source>Reboot</source>
        <translation>Neustart</translation>
    </message>
    <message>
        <source>Restarts the device; it goes offline for a while and comes back.</source>
        <translation>Startet das Gerät neu; es ist eine Weile offline und meldet sich dann wieder.</translation>
    </message>
    <message>
        <source>Set reporting interval</source>
        <translation>Meldeintervall festlegen</translation>
    </message>
    <message>
        <source>Seconds between telemetry readings (0.05 to 86400).</source>
        <translation>Sekunden zwischen Telemetrie-Messwerten (0.05 bis 86400).</translation>
    </message>
    <message>
        <source>%1  (%2)</source>
        <translation>%1  (%2)</translation>
    </message>
    <message>
        <source>command type, e.g. reboot</source>
        <translation>Befehlstyp, z. B. reboot</translation>
    </message>
    <message>
        <source>&amp;Command:</source>
        <translation>Be&amp;fehl:</translation>
    </message>
    <message>
        <source>&amp;Payload (JSON):</source>
        <translation>&amp;Nutzdaten (JSON):</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>How long the device has to answer once the command reached it.</source>
        <translation>Wie lange das Gerät Zeit hat zu antworten, sobald der Befehl angekommen ist.</translation>
    </message>
    <message>
        <source>How long the command may wait for an offline device before it expires.</source>
        <translation>Wie lange der Befehl auf ein Offline-Gerät warten darf, bevor er abläuft.</translation>
    </message>
    <message>
        <source>Timeout:</source>
        <translation>Zeitlimit:</translation>
    </message>
    <message>
        <source>Waits while offline up to:</source>
        <translation>Wartet offline bis zu:</translation>
    </message>
    <message>
        <source>&amp;Send command</source>
        <translation>Befehl &amp;senden</translation>
    </message>
    <message>
        <source>&lt;b&gt;History&lt;/b&gt; – double-click a command to send it again</source>
        <translation>&lt;b&gt;Verlauf&lt;/b&gt; – Doppelklick auf einen Befehl sendet ihn erneut</translation>
    </message>
    <message>
        <source>Cancel &amp;queued command</source>
        <translation>&amp;Wartenden Befehl abbrechen</translation>
    </message>
    <message>
        <source>Sending %1…</source>
        <translation>Sende %1 …</translation>
    </message>
    <message>
        <source>The command was not sent: %1</source>
        <translation>Der Befehl wurde nicht gesendet: %1</translation>
    </message>
    <message>
        <source>%1 is %2. The history below follows it live.</source>
        <translation>%1: %2. Der Verlauf unten verfolgt den Befehl live.</translation>
    </message>
    <message>
        <source>Could not cancel: %1</source>
        <translation>Abbrechen nicht möglich: %1</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Abgebrochen.</translation>
    </message>
    <message>
        <source>Could not load the command history: %1</source>
        <translation>Der Befehlsverlauf konnte nicht geladen werden: %1</translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>Fleetdeck – Connect to server</source>
        <translation>Fleetdeck – Mit Server verbinden</translation>
    </message>
    <message>
        <source>Connect to a Fleetdeck server</source>
        <translation>Mit einem Fleetdeck-Server verbinden</translation>
    </message>
    <message>
        <source>Address of the server. Servers you connected to before are in the list.</source>
        <translation>Adresse des Servers. Server, mit denen Sie schon verbunden waren, stehen in der Liste.</translation>
    </message>
    <message>
        <source>Forget</source>
        <translation>Vergessen</translation>
    </message>
    <message>
        <source>Remove this server, its trusted certificate and any saved session from this computer.</source>
        <translation>Diesen Server, sein vertrauenswürdiges Zertifikat und eine gespeicherte Sitzung von diesem Computer entfernen.</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <source>name@example.com</source>
        <translation>name@example.com</translation>
    </message>
    <message>
        <source>&amp;E-mail:</source>
        <translation>&amp;E-Mail:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <source>Stay signed in on this computer (needed for unattended wall screens)</source>
        <translation>Auf diesem Computer angemeldet bleiben (nötig für unbeaufsichtigte Wandbildschirme)</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <source>Certificate authority:</source>
        <translation>Zertifizierungsstelle:</translation>
    </message>
    <message>
        <source>SHA-256 fingerprint:</source>
        <translation>SHA-256-Fingerabdruck:</translation>
    </message>
    <message>
        <source>Previously trusted:</source>
        <translation>Bisher vertraut:</translation>
    </message>
    <message>
        <source>I have confirmed the new fingerprint with the server&apos;s administrator</source>
        <translation>Ich habe den neuen Fingerabdruck mit dem Administrator des Servers abgeglichen</translation>
    </message>
    <message>
        <source>Do &amp;not trust</source>
        <translation>&amp;Nicht vertrauen</translation>
    </message>
    <message>
        <source>&amp;Trust and connect</source>
        <translation>&amp;Vertrauen und verbinden</translation>
    </message>
    <message>
        <source>Last signed in as %1</source>
        <translation>Zuletzt angemeldet als %1</translation>
    </message>
    <message>
        <source>Last signed in as %1; certificate authority trusted</source>
        <translation>Zuletzt angemeldet als %1; Zertifizierungsstelle vertraut</translation>
    </message>
    <message>
        <source>Enter your password.</source>
        <translation>Geben Sie Ihr Passwort ein.</translation>
    </message>
    <message>
        <source>Contacting %1…</source>
        <translation>Verbinde mit %1 …</translation>
    </message>
    <message>
        <source>WARNING: the server&apos;s identity has changed</source>
        <translation>WARNUNG: Die Identität des Servers hat sich geändert</translation>
    </message>
    <message>
        <source>%1 now presents a different certificate authority than the one you trusted before. This happens when the platform CA was replaced on purpose – or when someone is intercepting the connection. Do not continue unless the administrator confirms the new fingerprint below.</source>
        <translation>%1 weist jetzt eine andere Zertifizierungsstelle vor als die, der Sie bisher vertraut haben. Das passiert, wenn die Plattform-CA absichtlich ersetzt wurde – oder wenn jemand die Verbindung abfängt. Fahren Sie nur fort, wenn der Administrator den neuen Fingerabdruck unten bestätigt.</translation>
    </message>
    <message>
        <source>&amp;Replace trusted authority and connect</source>
        <translation>Vertrauenswürdige Stelle &amp;ersetzen und verbinden</translation>
    </message>
    <message>
        <source>Do you trust this server?</source>
        <translation>Vertrauen Sie diesem Server?</translation>
    </message>
    <message>
        <source>This is the first connection to %1. The server identifies itself with the platform&apos;s own certificate authority (CA). Compare the fingerprint below with the one your administrator gave you. If you trust it, the console will only accept this CA for this server from now on.</source>
        <translation>Dies ist die erste Verbindung zu %1. Der Server weist sich mit der eigenen Zertifizierungsstelle (CA) der Plattform aus. Vergleichen Sie den Fingerabdruck unten mit dem, den Ihnen Ihr Administrator gegeben hat. Wenn Sie ihr vertrauen, akzeptiert die Konsole für diesen Server ab jetzt nur noch diese CA.</translation>
    </message>
    <message>
        <source>Connecting with the trusted certificate authority…</source>
        <translation>Verbinde mit der vertrauenswürdigen Zertifizierungsstelle …</translation>
    </message>
    <message>
        <source>Not connected: the server&apos;s certificate authority changed and you did not accept it.</source>
        <translation>Nicht verbunden: Die Zertifizierungsstelle des Servers hat sich geändert und Sie haben sie nicht akzeptiert.</translation>
    </message>
    <message>
        <source>Not connected: you did not trust the server&apos;s certificate authority.</source>
        <translation>Nicht verbunden: Sie haben der Zertifizierungsstelle des Servers nicht vertraut.</translation>
    </message>
</context>
<context>
    <name>Connector</name>
    <message>
        <source>Enter the server address, for example https://fleet.example.com:8443.</source>
        <translation>Geben Sie die Serveradresse ein, zum Beispiel https://fleet.example.com:8443.</translation>
    </message>
    <message>
        <source>This is not a valid server address.</source>
        <translation>Das ist keine gültige Serveradresse.</translation>
    </message>
    <message>
        <source>The console only connects over https://.</source>
        <translation>Die Konsole verbindet sich nur über https://.</translation>
    </message>
    <message>
        <source>Enter only the server address, without a path.</source>
        <translation>Geben Sie nur die Serveradresse ohne Pfad ein.</translation>
    </message>
    <message>
        <source>Enter your e-mail address.</source>
        <translation>Geben Sie Ihre E-Mail-Adresse ein.</translation>
    </message>
    <message>
        <source>This does not look like an e-mail address.</source>
        <translation>Das sieht nicht nach einer E-Mail-Adresse aus.</translation>
    </message>
    <message>
        <source>Contacting %1…</source>
        <translation>Verbinde mit %1 …</translation>
    </message>
    <message>
        <source>The server&apos;s certificate authority has not been trusted on this computer yet. Connect once from the desktop console (or use --ca-file) to trust it.</source>
        <translation>Der Zertifizierungsstelle des Servers wurde auf diesem Computer noch nicht vertraut. Verbinden Sie sich einmal mit der Desktop-Konsole (oder nutzen Sie --ca-file), um ihr zu vertrauen.</translation>
    </message>
    <message>
        <source>Signing in as %1…</source>
        <translation>Melde an als %1 …</translation>
    </message>
    <message>
        <source>The server accepted the sign-in but sent no session token.</source>
        <translation>Der Server hat die Anmeldung akzeptiert, aber kein Sitzungstoken geschickt.</translation>
    </message>
</context>
<context>
    <name>DeliveriesModel</name>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>Status: %1</source>
        <translation>Status: %1</translation>
    </message>
    <message>
        <source>Last try: %1</source>
        <translation>Letzter Versuch: %1</translation>
    </message>
    <message>
        <source>Delivered: %1</source>
        <translation>Zugestellt: %1</translation>
    </message>
    <message>
        <source>Answer: %1</source>
        <translation>Antwort: %1</translation>
    </message>
    <message>
        <source>Delivery id: %1</source>
        <translation>Zustell-ID: %1</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <source>For</source>
        <translation>Anlass</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Versuche</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Antwort</translation>
    </message>
</context>
<context>
    <name>DeliveryInfo</name>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Held (quiet hours)</source>
        <translation>Zurückgehalten (Ruhezeit)</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>Wird gesendet</translation>
    </message>
    <message>
        <source>Retrying</source>
        <translation>Wird wiederholt</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Zugestellt</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Skipped (alert closed)</source>
        <translation>Übersprungen (Alarm geschlossen)</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>raised</source>
        <translation>ausgelöst</translation>
    </message>
    <message>
        <source>acknowledged</source>
        <translation>quittiert</translation>
    </message>
    <message>
        <source>cleared</source>
        <translation>beendet</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>geschlossen</translation>
    </message>
    <message>
        <source>escalated</source>
        <translation>eskaliert</translation>
    </message>
    <message>
        <source>test</source>
        <translation>Test</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>(next try %1)</source>
        <translation>(nächster Versuch um %1)</translation>
    </message>
    <message>
        <source>%1 (HTTP %2)</source>
        <translation>%1 (HTTP %2)</translation>
    </message>
    <message>
        <source>HTTP %1</source>
        <translation>HTTP %1</translation>
    </message>
    <message>
        <source>Test message</source>
        <translation>Testnachricht</translation>
    </message>
    <message>
        <source>Alert %1 %2</source>
        <translation>Alarm %1 %2</translation>
    </message>
</context>
<context>
    <name>DeviceView</name>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>online (last message)</source>
        <translation>online (letzte Nachricht)</translation>
    </message>
    <message>
        <source>last seen</source>
        <translation>zuletzt gesehen</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Device ID</source>
        <translation>Geräte-ID</translation>
    </message>
    <message>
        <source>Serial number</source>
        <translation>Seriennummer</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Firmware</source>
        <translation>Firmware</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>Registriert</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Mandant</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>Metadaten</translation>
    </message>
    <message>
        <source>Connection timeline</source>
        <translation>Verbindungsverlauf</translation>
    </message>
    <message>
        <source>Connection changes seen since this view was opened, newest first.</source>
        <translation>Verbindungsänderungen seit dem Öffnen dieser Ansicht, neueste zuerst.</translation>
    </message>
    <message>
        <source>&amp;Telemetry</source>
        <translation>&amp;Telemetrie</translation>
    </message>
    <message>
        <source>&amp;Commands</source>
        <translation>&amp;Befehle</translation>
    </message>
    <message>
        <source>T&amp;win</source>
        <translation>T&amp;win</translation>
    </message>
    <message>
        <source>%1 · %2 · %3</source>
        <translation>%1 · %2 · %3</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>The device is %1: it takes no commands. Resume it first.</source>
        <translation>Status %1: Das Gerät nimmt keine Befehle an. Reaktivieren Sie es zuerst.</translation>
    </message>
    <message>
        <source>A decommissioned device&apos;s configuration can no longer change.</source>
        <translation>Die Konfiguration eines außer Betrieb genommenen Geräts kann nicht mehr geändert werden.</translation>
    </message>
    <message>
        <source>%1  %2</source>
        <translation>%1  %2</translation>
    </message>
    <message>
        <source>online</source>
        <translation>online</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>online, firmware %1</source>
        <translation>online, Firmware %1</translation>
    </message>
</context>
<context>
    <name>FleetModel</name>
    <message>
        <source>Provisioned</source>
        <translation>Bereitgestellt</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <source>Decommissioned</source>
        <translation>Außer Betrieb</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Unbekannt</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nie</translation>
    </message>
    <message>
        <source>Active device that is not connected</source>
        <translation>Aktives Gerät ohne Verbindung</translation>
    </message>
    <message>
        <source>Device ID: %1</source>
        <translation>Geräte-ID: %1</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Serial number</source>
        <translation>Seriennummer</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Firmware</source>
        <translation>Firmware</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Zuletzt gesehen</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Tags</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Mandant</translation>
    </message>
</context>
<context>
    <name>FleetPoller</name>
    <message>
        <source>The server sent a device list the console does not understand.</source>
        <translation>Der Server hat eine Geräteliste geschickt, die die Konsole nicht versteht.</translation>
    </message>
    <message>
        <source>The server&apos;s health report could not be read.</source>
        <translation>Der Zustandsbericht des Servers konnte nicht gelesen werden.</translation>
    </message>
</context>
<context>
    <name>HealthStatus</name>
    <message>
        <source>up</source>
        <translation>verfügbar</translation>
    </message>
    <message>
        <source>down</source>
        <translation>ausgefallen</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>verbunden</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>degraded</source>
        <translation>beeinträchtigt</translation>
    </message>
    <message>
        <source>database %1</source>
        <translation>Datenbank %1</translation>
    </message>
    <message>
        <source>broker %1</source>
        <translation>Broker %1</translation>
    </message>
    <message>
        <source>Server OK</source>
        <translation>Server OK</translation>
    </message>
    <message>
        <source>Server %1</source>
        <translation>Server %1</translation>
    </message>
    <message>
        <source>Server %1: %2</source>
        <translation>Server %1: %2</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>verbindet</translation>
    </message>
</context>
<context>
    <name>JsonEditor</name>
    <message>
        <source>Enter a JSON object, e.g. {&quot;key&quot;: 1}.</source>
        <translation>Geben Sie ein JSON-Objekt ein, z. B. {&quot;key&quot;: 1}.</translation>
    </message>
    <message>
        <source>Line %1, column %2: %3</source>
        <translation>Zeile %1, Spalte %2: %3</translation>
    </message>
    <message>
        <source>Must be a JSON object – in braces { … }.</source>
        <translation>Muss ein JSON-Objekt sein – in geschweiften Klammern { … }.</translation>
    </message>
    <message>
        <source>Valid JSON</source>
        <translation>Gültiges JSON</translation>
    </message>
</context>
<context>
    <name>LinkMonitor</name>
    <message>
        <source>Connecting (failing since %1)</source>
        <translation>Verbinde (fehlgeschlagen seit %1)</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbinde …</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Reconnecting since %1</source>
        <translation>Verbindungsaufbau seit %1</translation>
    </message>
    <message>
        <source>Link lost since %1</source>
        <translation>Verbindung verloren seit %1</translation>
    </message>
    <message>
        <source>Signed out since %1</source>
        <translation>Abgemeldet seit %1</translation>
    </message>
</context>
<context>
    <name>LiveClient</name>
    <message>
        <source>The server refused the request (code %1).</source>
        <translation>Der Server hat die Anfrage abgelehnt (Code %1).</translation>
    </message>
    <message>
        <source>The live link to the server is not up.</source>
        <translation>Die Live-Verbindung zum Server besteht nicht.</translation>
    </message>
    <message>
        <source>The live link&apos;s certificate is not valid: %1</source>
        <translation>Das Zertifikat der Live-Verbindung ist ungültig: %1</translation>
    </message>
    <message>
        <source>The server closed the live link: %1</source>
        <translation>Der Server hat die Live-Verbindung geschlossen: %1</translation>
    </message>
    <message>
        <source>The live link failed: %1</source>
        <translation>Die Live-Verbindung ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>The server closed the live link.</source>
        <translation>Der Server hat die Live-Verbindung geschlossen.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n s ago</source>
        <translation>
            <numerusform>vor %n s</numerusform>
            <numerusform>vor %n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n min ago</source>
        <translation>
            <numerusform>vor %n min</numerusform>
            <numerusform>vor %n min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h ago</source>
        <translation>
            <numerusform>vor %n h</numerusform>
            <numerusform>vor %n h</numerusform>
        </translation>
    </message>
    <message>
        <source>Fleetdeck Console</source>
        <translation>Fleetdeck-Konsole</translation>
    </message>
    <message>
        <source>Fleetdeck – fleet overview</source>
        <translation>Fleetdeck – Flottenübersicht</translation>
    </message>
    <message>
        <source>Filter – e.g. pump  status:suspended  conn:offline  tag:north  -type:gateway</source>
        <translation>Filter – z. B. pump  status:suspended  conn:offline  tag:north  -type:gateway</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Sign in again…</source>
        <translation>Erneut &amp;anmelden …</translation>
    </message>
    <message>
        <source>&amp;Refresh now</source>
        <translation>Jetzt a&amp;ktualisieren</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Filter devices</source>
        <translation>Geräte &amp;filtern</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;Farbschema</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Hell</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Dunkel</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Fleetdeck Console</source>
        <translation>&amp;Über die Fleetdeck-Konsole</translation>
    </message>
    <message>
        <source>About Fleetdeck Console</source>
        <translation>Über die Fleetdeck-Konsole</translation>
    </message>
    <message>
        <source>&lt;b&gt;Fleetdeck Console&lt;/b&gt; %1&lt;br&gt;Device management for IoT fleets.</source>
        <translation>&lt;b&gt;Fleetdeck-Konsole&lt;/b&gt; %1&lt;br&gt;Geräteverwaltung für IoT-Flotten.</translation>
    </message>
    <message>
        <source>%1 @ %2</source>
        <translation>%1 @ %2</translation>
    </message>
    <message>
        <source>Session valid until %1</source>
        <translation>Sitzung gültig bis %1</translation>
    </message>
    <message>
        <source>Last refresh %1 (%2)</source>
        <translation>Zuletzt aktualisiert %1 (%2)</translation>
    </message>
    <message>
        <source>No data received yet</source>
        <translation>Noch keine Daten empfangen</translation>
    </message>
    <message>
        <source>%1 of %2 devices</source>
        <translation>%1 von %2 Geräten</translation>
    </message>
    <message>
        <source>The data shown is from %1 (%2) and is not live.</source>
        <translation>Die angezeigten Daten stammen von %1 (%2) und sind nicht aktuell.</translation>
    </message>
    <message>
        <source>No data has been received yet.</source>
        <translation>Es wurden noch keine Daten empfangen.</translation>
    </message>
    <message>
        <source>Cannot reach the server yet: %1</source>
        <translation>Server noch nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>Reconnecting since %1. %2</source>
        <translation>Verbindungsaufbau seit %1. %2</translation>
    </message>
    <message>
        <source>LINK LOST since %1 – %2 Last error: %3</source>
        <translation>VERBINDUNG VERLOREN seit %1 – %2 Letzter Fehler: %3</translation>
    </message>
    <message>
        <source>SIGNED OUT – signing in again automatically (%1). %2</source>
        <translation>ABGEMELDET – melde automatisch wieder an (%1). %2</translation>
    </message>
    <message>
        <source>SIGNED OUT – %1</source>
        <translation>ABGEMELDET – %1</translation>
    </message>
    <message>
        <source>SIGNED OUT – the session ended. Use File › Sign in again. %1</source>
        <translation>ABGEMELDET – die Sitzung ist beendet. Nutzen Sie Datei › Erneut anmelden. %1</translation>
    </message>
    <message>
        <source>No server configured: set FLEETDECK_SERVER or use --server.</source>
        <translation>Kein Server eingerichtet: Setzen Sie FLEETDECK_SERVER oder nutzen Sie --server.</translation>
    </message>
    <message>
        <source>No saved session for %1 and no FLEETDECK_EMAIL / FLEETDECK_PASSWORD to sign in with.</source>
        <translation>Keine gespeicherte Sitzung für %1 und kein FLEETDECK_EMAIL / FLEETDECK_PASSWORD zum Anmelden.</translation>
    </message>
    <message>
        <source>No devices are registered on this server yet.</source>
        <translation>Auf diesem Server sind noch keine Geräte registriert.</translation>
    </message>
    <message>
        <source>No device matches the filter.</source>
        <translation>Kein Gerät passt zum Filter.</translation>
    </message>
    <message>
        <source>Fleet</source>
        <translation>Flotte</translation>
    </message>
    <message>
        <source>&amp;Open selected device</source>
        <translation>Ausgewähltes Gerät &amp;öffnen</translation>
    </message>
    <message>
        <source>&amp;Close device tab</source>
        <translation>Geräte-Tab &amp;schließen</translation>
    </message>
    <message>
        <source>Show &amp;fleet</source>
        <translation>Flo&amp;tte anzeigen</translation>
    </message>
    <message>
        <source>● Live</source>
        <translation>● Live</translation>
    </message>
    <message>
        <source>Changes are pushed by the server as they happen (%1).</source>
        <translation>Der Server überträgt Änderungen, sobald sie eintreten (%1).</translation>
    </message>
    <message>
        <source>Live link: connecting…</source>
        <translation>Live-Verbindung: verbinde …</translation>
    </message>
    <message numerus="yes">
        <source>No live link – refreshing every %n s</source>
        <translation>
            <numerusform>Keine Live-Verbindung – Aktualisierung alle %n s</numerusform>
            <numerusform>Keine Live-Verbindung – Aktualisierung alle %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>The session ended.</source>
        <translation>Die Sitzung ist beendet.</translation>
    </message>
    <message>
        <source>Loading the fleet… %1 devices so far</source>
        <translation>Lade die Flotte … bisher %1 Geräte</translation>
    </message>
    <message>
        <source>%1 – active but offline</source>
        <translation>%1 – aktiv, aber offline</translation>
    </message>
    <message>
        <source>Fleetdeck – %1</source>
        <translation>Fleetdeck – %1</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <source>Alerts (%1)</source>
        <translation>Alarme (%1)</translation>
    </message>
    <message>
        <source>%1 open alerts, %2 not acknowledged</source>
        <translation>%1 offene Alarme, %2 nicht quittiert</translation>
    </message>
    <message>
        <source>No open alerts</source>
        <translation>Keine offenen Alarme</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>Regeln</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Benachrichtigungen</translation>
    </message>
</context>
<context>
    <name>OverviewBar</name>
    <message>
        <source>Devices</source>
        <translation>Geräte</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Online</translation>
    </message>
    <message>
        <source>Active but offline</source>
        <translation>Aktiv, aber offline</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <source>Provisioned, not yet seen</source>
        <translation>Bereitgestellt, noch nie gesehen</translation>
    </message>
    <message>
        <source>Server health</source>
        <translation>Serverzustand</translation>
    </message>
    <message>
        <source>Server version %1</source>
        <translation>Serverversion %1</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Unbekannt</translation>
    </message>
    <message>
        <source>Readings stored / s</source>
        <translation>Gespeicherte Werte / s</translation>
    </message>
    <message>
        <source>Telemetry readings the server stored per second, between the last two health checks.</source>
        <translation>Telemetrie-Messwerte, die der Server pro Sekunde gespeichert hat, zwischen den letzten beiden Zustandsprüfungen.</translation>
    </message>
    <message>
        <source>Commands in flight</source>
        <translation>Laufende Befehle</translation>
    </message>
    <message>
        <source>Commands queued for a device or sent and not finished yet.</source>
        <translation>Befehle, die für ein Gerät in der Warteschlange stehen oder gesendet und noch nicht abgeschlossen sind.</translation>
    </message>
    <message>
        <source>Open alarms: how many wait for acknowledgement and how many are active, by priority. Set aside (shelved, suppressed or out of service) alarms are not counted. Click to show the alarm list.</source>
        <translation>Offene Alarme: wie viele auf Quittierung warten und wie viele aktiv sind, nach Priorität. Beiseitegelegte (zurückgestellte, unterdrückte oder außer Betrieb genommene) Alarme werden nicht gezählt. Klicken Sie, um die Alarmliste anzuzeigen.</translation>
    </message>
    <message>
        <source>Not known yet</source>
        <translation>Noch unbekannt</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <comment>count, priority</comment>
        <translation>%2: %1</translation>
    </message>
    <message>
        <source>None active; %1 returned to normal, not acknowledged</source>
        <translation>Keiner aktiv; %1 im Normalzustand, nicht quittiert</translation>
    </message>
    <message>
        <source>No open alarms</source>
        <translation>Keine offenen Alarme</translation>
    </message>
    <message>
        <source>%1 set aside</source>
        <translation>%1 beiseitegelegt</translation>
    </message>
</context>
<context>
    <name>OverviewTile</name>
    <message>
        <source>Show these devices in the table (filter: %1)</source>
        <translation>Diese Geräte in der Tabelle zeigen (Filter: %1)</translation>
    </message>
</context>
<context>
    <name>PoliciesModel</name>
    <message>
        <source>%1 (switched off)</source>
        <translation>%1 (ausgeschaltet)</translation>
    </message>
    <message numerus="yes">
        <source>%n escalation step(s)</source>
        <translation>
            <numerusform>%n Eskalationsstufe</numerusform>
            <numerusform>%n Eskalationsstufen</numerusform>
        </translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>Richtlinie</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alarme</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>Änderungen</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Kanäle</translation>
    </message>
    <message>
        <source>Quiet hours</source>
        <translation>Ruhezeiten</translation>
    </message>
</context>
<context>
    <name>PolicyDialog</name>
    <message>
        <source>New notification policy</source>
        <translation>Neue Benachrichtigungsrichtlinie</translation>
    </message>
    <message>
        <source>e.g. Criticals to on-call</source>
        <translation>z. B. Kritische an Bereitschaft</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>None ticked: every severity.</source>
        <translation>Keine angehakt: alle Prioritäten.</translation>
    </message>
    <message>
        <source>Severities:</source>
        <translation>Prioritäten:</translation>
    </message>
    <message>
        <source>Device-health alerts (offline, stale data) too</source>
        <translation>Auch Gerätezustandsalarme (offline, veraltete Daten)</translation>
    </message>
    <message>
        <source>Notify when an alert is:</source>
        <translation>Benachrichtigen bei Alarm:</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Send to:</source>
        <translation>Senden an:</translation>
    </message>
    <message>
        <source>Quiet hours</source>
        <translation>Ruhezeiten</translation>
    </message>
    <message>
        <source>An IANA time zone such as Europe/Berlin</source>
        <translation>Eine IANA-Zeitzone wie Europe/Berlin</translation>
    </message>
    <message>
        <source>Critical alerts are still sent</source>
        <translation>Kritische Alarme werden trotzdem gesendet</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>Von:</translation>
    </message>
    <message>
        <source>Until:</source>
        <translation>Bis:</translation>
    </message>
    <message>
        <source>Time zone:</source>
        <translation>Zeitzone:</translation>
    </message>
    <message>
        <source>The server did not accept the policy: %1</source>
        <translation>Der Server hat die Richtlinie nicht angenommen: %1</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>The policy was not saved: %1</source>
        <translation>Die Richtlinie wurde nicht gespeichert: %1</translation>
    </message>
</context>
<context>
    <name>PolicyInfo</name>
    <message>
        <source>Every severity</source>
        <translation>Alle Prioritäten</translation>
    </message>
    <message>
        <source>every rule</source>
        <translation>alle Regeln</translation>
    </message>
    <message numerus="yes">
        <source>%n rule(s)</source>
        <translation>
            <numerusform>%n Regel</numerusform>
            <numerusform>%n Regeln</numerusform>
        </translation>
    </message>
    <message>
        <source>health alerts too</source>
        <translation>auch Zustandsalarme</translation>
    </message>
    <message>
        <source>no health alerts</source>
        <translation>keine Zustandsalarme</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keine</translation>
    </message>
    <message>
        <source>%1–%2 %3</source>
        <translation>%1–%2 %3</translation>
    </message>
    <message>
        <source>%1 still sent</source>
        <translation>%1: weiterhin gesendet</translation>
    </message>
</context>
<context>
    <name>RuleEditor</name>
    <message>
        <source>Threshold (value compared with a limit)</source>
        <translation>Grenzwert (Wert mit einer Grenze verglichen)</translation>
    </message>
    <message>
        <source>Range (inside or outside two limits)</source>
        <translation>Bereich (innerhalb oder außerhalb zweier Grenzen)</translation>
    </message>
    <message>
        <source>Rate of change (per second)</source>
        <translation>Änderungsrate (pro Sekunde)</translation>
    </message>
    <message>
        <source>Windowed aggregate (avg, min, max, count)</source>
        <translation>Aggregat über ein Zeitfenster (avg, min, max, count)</translation>
    </message>
    <message>
        <source>Absence (no telemetry for a time)</source>
        <translation>Ausbleiben (eine Zeit lang keine Telemetrie)</translation>
    </message>
    <message>
        <source>Offline (longer than a time)</source>
        <translation>Offline (länger als eine Zeit)</translation>
    </message>
    <message>
        <source>All of (and)</source>
        <translation>Alle (und)</translation>
    </message>
    <message>
        <source>Any of (or)</source>
        <translation>Mindestens eine (oder)</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 min</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>Formular</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>Forget the changes since the rule was loaded or saved</source>
        <translation>Die Änderungen seit dem Laden oder Speichern der Regel verwerfen</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Regel</translation>
    </message>
    <message>
        <source>What the operator reads, e.g. &quot;Pump overheating&quot;</source>
        <translation>Was der Bediener liest, z. B. „Pumpe überhitzt“</translation>
    </message>
    <message>
        <source>Active (evaluated on incoming telemetry)</source>
        <translation>Aktiv (wird auf eingehende Telemetrie angewendet)</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Description:</source>
        <translation>Beschreibung:</translation>
    </message>
    <message>
        <source>Devices it watches</source>
        <translation>Überwachte Geräte</translation>
    </message>
    <message>
        <source>any type</source>
        <translation>beliebiger Typ</translation>
    </message>
    <message>
        <source>comma-separated; a device needs all of them</source>
        <translation>durch Kommas getrennt; ein Gerät braucht alle</translation>
    </message>
    <message>
        <source>Tick devices to limit the rule to them; none ticked: every device the type and tags allow</source>
        <translation>Geräte anhaken, um die Regel auf sie zu beschränken; keines angehakt: alle Geräte, die Typ und Tags zulassen</translation>
    </message>
    <message>
        <source>Device type:</source>
        <translation>Gerätetyp:</translation>
    </message>
    <message>
        <source>Tags:</source>
        <translation>Tags:</translation>
    </message>
    <message>
        <source>Only these devices:</source>
        <translation>Nur diese Geräte:</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>Bedingung</translation>
    </message>
    <message>
        <source>Raise when</source>
        <translation>Auslösen, wenn</translation>
    </message>
    <message>
        <source>Clear when (instead of when the condition stops)</source>
        <translation>Beenden, wenn (statt wenn die Bedingung nicht mehr gilt)</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Add a condition to the selected &quot;all of&quot; / &quot;any of&quot;</source>
        <translation>Eine Bedingung zum gewählten „Alle“ / „Mindestens eine“ hinzufügen</translation>
    </message>
    <message>
        <source>And…</source>
        <translation>Und…</translation>
    </message>
    <message>
        <source>Combine the selected condition with another one: both must hold</source>
        <translation>Die gewählte Bedingung mit einer weiteren verknüpfen: beide müssen gelten</translation>
    </message>
    <message>
        <source>Or…</source>
        <translation>Oder…</translation>
    </message>
    <message>
        <source>Combine the selected condition with another one: either may hold</source>
        <translation>Die gewählte Bedingung mit einer weiteren verknüpfen: eine von beiden genügt</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>Separate clear condition</source>
        <translation>Eigene Bedingung zum Beenden</translation>
    </message>
    <message>
        <source>Fires outside the range (off: inside)</source>
        <translation>Löst außerhalb des Bereichs aus (aus: innerhalb)</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <source>seconds; empty: at once</source>
        <translation>Sekunden; leer: sofort</translation>
    </message>
    <message>
        <source>readings; empty: one is enough</source>
        <translation>Messwerte; leer: einer genügt</translation>
    </message>
    <message>
        <source>empty: none</source>
        <translation>leer: keins</translation>
    </message>
    <message>
        <source>Once raised, the value must go back past the limit by this much before it clears, so a value hovering at the limit does not chatter</source>
        <translation>Nach dem Auslösen muss der Wert um so viel hinter die Grenze zurückgehen, bevor der Alarm endet, damit ein Wert nahe der Grenze nicht flattert</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>Typ:</translation>
    </message>
    <message>
        <source>Metric:</source>
        <translation>Messgröße:</translation>
    </message>
    <message>
        <source>Aggregate:</source>
        <translation>Aggregation:</translation>
    </message>
    <message>
        <source>Window:</source>
        <translation>Zeitfenster:</translation>
    </message>
    <message>
        <source>Operator:</source>
        <translation>Operator:</translation>
    </message>
    <message>
        <source>Value:</source>
        <translation>Wert:</translation>
    </message>
    <message>
        <source>Minimum:</source>
        <translation>Minimum:</translation>
    </message>
    <message>
        <source>Maximum:</source>
        <translation>Maximum:</translation>
    </message>
    <message>
        <source>For:</source>
        <translation>Dauer:</translation>
    </message>
    <message>
        <source>Holds for:</source>
        <translation>Mindestdauer:</translation>
    </message>
    <message>
        <source>Repeated:</source>
        <translation>Wiederholt:</translation>
    </message>
    <message>
        <source>Within:</source>
        <translation>Innerhalb von:</translation>
    </message>
    <message>
        <source>Deadband:</source>
        <translation>Totband:</translation>
    </message>
    <message>
        <source>Delays</source>
        <translation>Verzögerungen</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>The condition must hold this long before the alert is raised</source>
        <translation>So lange muss die Bedingung gelten, bevor der Alarm ausgelöst wird</translation>
    </message>
    <message>
        <source>The condition must stay false this long before the alert clears</source>
        <translation>So lange darf die Bedingung nicht mehr gelten, bevor der Alarm endet</translation>
    </message>
    <message>
        <source>On-delay:</source>
        <translation>Ansprechverzögerung:</translation>
    </message>
    <message>
        <source>Off-delay:</source>
        <translation>Abfallverzögerung:</translation>
    </message>
    <message>
        <source>Raise an alert</source>
        <translation>Alarm auslösen</translation>
    </message>
    <message>
        <source>{device.name}: {metric} at {value}</source>
        <translation>{device.name}: {metric} bei {value}</translation>
    </message>
    <message>
        <source>Placeholders: {device.name} {device.id} {device.type} {rule.name} {metric} {value} {severity}</source>
        <translation>Platzhalter: {device.name} {device.id} {device.type} {rule.name} {metric} {value} {severity}</translation>
    </message>
    <message>
        <source>Priority:</source>
        <translation>Priorität:</translation>
    </message>
    <message>
        <source>Message:</source>
        <translation>Meldung:</translation>
    </message>
    <message>
        <source>Run commands</source>
        <translation>Befehle ausführen</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Befehl</translation>
    </message>
    <message>
        <source>Parameters (JSON)</source>
        <translation>Parameter (JSON)</translation>
    </message>
    <message>
        <source>At most every (s)</source>
        <translation>Höchstens alle (s)</translation>
    </message>
    <message>
        <source>Add command</source>
        <translation>Befehl hinzufügen</translation>
    </message>
    <message>
        <source>Remove command</source>
        <translation>Befehl entfernen</translation>
    </message>
    <message>
        <source>Backtest: when would this rule have fired?</source>
        <translation>Rückblicktest: Wann hätte diese Regel ausgelöst?</translation>
    </message>
    <message>
        <source>Run backtest</source>
        <translation>Rückblicktest starten</translation>
    </message>
    <message>
        <source>Run the rule as it is in the editor (saved or not) over the device&apos;s stored history</source>
        <translation>Die Regel so, wie sie im Editor steht (gespeichert oder nicht), auf den gespeicherten Verlauf des Geräts anwenden</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Gerät:</translation>
    </message>
    <message>
        <source>Pick a device and run the draft over its history: nothing is saved or alerted.</source>
        <translation>Wählen Sie ein Gerät und wenden Sie den Entwurf auf seinen Verlauf an: Es wird nichts gespeichert und kein Alarm ausgelöst.</translation>
    </message>
    <message>
        <source>Raised</source>
        <translation>Ausgelöst</translation>
    </message>
    <message>
        <source>Cleared</source>
        <translation>Beendet</translation>
    </message>
    <message>
        <source>Lasted</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>empty: any telemetry</source>
        <translation>leer: beliebige Telemetrie</translation>
    </message>
    <message>
        <source>The JSON is not valid: %1</source>
        <translation>Das JSON ist ungültig: %1</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Wird geprüft…</translation>
    </message>
    <message>
        <source>The rule is valid.</source>
        <translation>Die Regel ist gültig.</translation>
    </message>
    <message>
        <source>Could not check the rule: %1</source>
        <translation>Die Regel konnte nicht geprüft werden: %1</translation>
    </message>
    <message>
        <source>✖ %1</source>
        <translation>✖ %1</translation>
    </message>
    <message>
        <source>✔ %1</source>
        <translation>✔ %1</translation>
    </message>
    <message>
        <source>A new rule: give it a name, then save.</source>
        <translation>Eine neue Regel: Geben Sie ihr einen Namen und speichern Sie sie.</translation>
    </message>
    <message>
        <source>Version %1, changed %2.</source>
        <translation>Version %1, geändert am %2.</translation>
    </message>
    <message>
        <source>Pick a device and run the rule over its history: nothing is saved or alerted.</source>
        <translation>Wählen Sie ein Gerät und wenden Sie die Regel auf seinen Verlauf an: Es wird nichts gespeichert und kein Alarm ausgelöst.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert…</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>Nicht gespeichert: %1</translation>
    </message>
    <message>
        <source>Saved (version %1).</source>
        <translation>Gespeichert (Version %1).</translation>
    </message>
    <message>
        <source>Read only: your role may look at rules, not change them.</source>
        <translation>Nur lesen: Ihre Rolle darf Regeln ansehen, aber nicht ändern.</translation>
    </message>
    <message>
        <source>No device to test on: the fleet has none yet.</source>
        <translation>Kein Gerät zum Testen: Die Flotte hat noch keines.</translation>
    </message>
    <message>
        <source>The backtest failed: %1</source>
        <translation>Der Rückblicktest ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>still active</source>
        <translation>noch aktiv</translation>
    </message>
    <message>
        <source>Only the first %1 firings are listed.</source>
        <translation>Nur die ersten %1 Auslösungen werden aufgeführt.</translation>
    </message>
    <message>
        <source>Last 15 minutes</source>
        <translation>Letzte 15 Minuten</translation>
    </message>
    <message>
        <source>Running the rule over %2&apos;s history (%1)…</source>
        <translation>Die Regel läuft über den Verlauf von %2 (%1)…</translation>
    </message>
    <message>
        <source>It would not have fired on %1 (%2, %3 readings checked).</source>
        <translation>Sie hätte bei %1 nicht ausgelöst (%2, %3 Messwerte geprüft).</translation>
    </message>
    <message numerus="yes">
        <source>It would have fired %n time(s) on %1 (%2, %3 readings checked).</source>
        <translation>
            <numerusform>Sie hätte bei %1 einmal ausgelöst (%2, %3 Messwerte geprüft).</numerusform>
            <numerusform>Sie hätte bei %1 %n-mal ausgelöst (%2, %3 Messwerte geprüft).</numerusform>
        </translation>
    </message>
    <message>
        <source>The number the chart shows above the firing</source>
        <translation>Die Nummer, die das Diagramm über der Auslösung zeigt</translation>
    </message>
</context>
<context>
    <name>RuleText</name>
    <message>
        <source>for %1 s</source>
        <translation>%1 s lang</translation>
    </message>
    <message>
        <source>%1× in %2 s</source>
        <translation>%1× in %2 s</translation>
    </message>
    <message>
        <source>deadband %1</source>
        <translation>Totband %1</translation>
    </message>
    <message>
        <source>%1 outside %2…%3</source>
        <translation>%1 außerhalb %2…%3</translation>
    </message>
    <message>
        <source>%1 inside %2…%3</source>
        <translation>%1 innerhalb %2…%3</translation>
    </message>
    <message>
        <source>%1 changes %2 %3 per s</source>
        <translation>%1 ändert sich %2 %3 pro s</translation>
    </message>
    <message>
        <source>%1(%2) over %3 s %4 %5</source>
        <translation>%1(%2) über %3 s %4 %5</translation>
    </message>
    <message>
        <source>no telemetry for %1 s</source>
        <translation>%1 s lang keine Telemetrie</translation>
    </message>
    <message>
        <source>no %1 for %2 s</source>
        <translation>%2 s lang keine Werte für %1</translation>
    </message>
    <message>
        <source>offline for %1 s</source>
        <translation>%1 s lang offline</translation>
    </message>
    <message numerus="yes">
        <source>all of %n</source>
        <translation>
            <numerusform>%n Bedingung</numerusform>
            <numerusform>alle %n Bedingungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>any of %n</source>
        <translation>
            <numerusform>%n Bedingung</numerusform>
            <numerusform>eine von %n Bedingungen</numerusform>
        </translation>
    </message>
    <message>
        <source>(no type)</source>
        <translation>(kein Typ)</translation>
    </message>
    <message>
        <source> and </source>
        <translation> und </translation>
    </message>
    <message>
        <source> or </source>
        <translation> oder </translation>
    </message>
    <message>
        <source>type %1</source>
        <translation>Typ %1</translation>
    </message>
    <message>
        <source>tags %1</source>
        <translation>Tags %1</translation>
    </message>
    <message numerus="yes">
        <source>%n device(s)</source>
        <translation>
            <numerusform>%n Gerät</numerusform>
            <numerusform>%n Geräte</numerusform>
        </translation>
    </message>
    <message>
        <source>whole organisation</source>
        <translation>ganze Organisation</translation>
    </message>
</context>
<context>
    <name>RulesView</name>
    <message>
        <source>New rule</source>
        <translation>Neue Regel</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Switch off</source>
        <translation>Ausschalten</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Filter rules by name, metric or scope</source>
        <translation>Regeln nach Name, Messgröße oder Geltungsbereich filtern</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>Bedingung</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Geräte</translation>
    </message>
    <message>
        <source>A rule switched off is not evaluated and its open alerts close</source>
        <translation>Eine ausgeschaltete Regel wird nicht ausgewertet, und ihre offenen Alarme werden geschlossen</translation>
    </message>
    <message>
        <source>Saved &quot;%1&quot;.</source>
        <translation>„%1“ gespeichert.</translation>
    </message>
    <message>
        <source>Loading rules…</source>
        <translation>Regeln werden geladen…</translation>
    </message>
    <message>
        <source>Could not load the rules: %1</source>
        <translation>Die Regeln konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>No rules yet: make one with &quot;New rule&quot;.</source>
        <translation>Noch keine Regeln: Legen Sie mit „Neue Regel“ eine an.</translation>
    </message>
    <message numerus="yes">
        <source>%n rule(s).</source>
        <translation>
            <numerusform>%n Regel.</numerusform>
            <numerusform>%n Regeln.</numerusform>
        </translation>
    </message>
    <message>
        <source>no alert</source>
        <translation>kein Alarm</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <source>Discard changes?</source>
        <translation>Änderungen verwerfen?</translation>
    </message>
    <message>
        <source>The rule in the editor has changes that are not saved. Discard them?</source>
        <translation>Die Regel im Editor hat nicht gespeicherte Änderungen. Verwerfen?</translation>
    </message>
    <message>
        <source>Delete rule</source>
        <translation>Regel löschen</translation>
    </message>
    <message>
        <source>Delete the rule &quot;%1&quot;? Its open alerts close; their history stays.</source>
        <translation>Die Regel „%1“ löschen? Ihre offenen Alarme werden geschlossen; ihr Verlauf bleibt erhalten.</translation>
    </message>
    <message>
        <source>Could not delete &quot;%1&quot;: %2</source>
        <translation>„%1“ konnte nicht gelöscht werden: %2</translation>
    </message>
    <message>
        <source>Deleted &quot;%1&quot;.</source>
        <translation>„%1“ gelöscht.</translation>
    </message>
    <message>
        <source>Could not change the rule: %1</source>
        <translation>Die Regel konnte nicht geändert werden: %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is on.</source>
        <translation>„%1“ ist eingeschaltet.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is off.</source>
        <translation>„%1“ ist ausgeschaltet.</translation>
    </message>
    <message>
        <source>Switch on</source>
        <translation>Einschalten</translation>
    </message>
    <message>
        <source>There is no rule named &quot;%1&quot;.</source>
        <translation>Es gibt keine Regel namens „%1“.</translation>
    </message>
</context>
<context>
    <name>SecretEdit</name>
    <message>
        <source>Not set</source>
        <translation>Nicht festgelegt</translation>
    </message>
    <message>
        <source>A secret is stored. Leave ******** to keep it, type a new one to replace it, or empty the field to remove it.</source>
        <translation>Ein Geheimnis ist gespeichert. Lassen Sie ******** stehen, um es zu behalten, geben Sie ein neues ein, um es zu ersetzen, oder leeren Sie das Feld, um es zu entfernen.</translation>
    </message>
</context>
<context>
    <name>TelemetryChart</name>
    <message>
        <source>Last 15 min</source>
        <translation>Letzte 15 min</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Letzte Stunde</translation>
    </message>
    <message>
        <source>Last 6 hours</source>
        <translation>Letzte 6 Stunden</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Letzte 24 Stunden</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Letzte 7 Tage</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Letzte 30 Tage</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>Live</translation>
    </message>
    <message>
        <source>Reset zoom</source>
        <translation>Zoom zurücksetzen</translation>
    </message>
    <message>
        <source>Follow the current time</source>
        <translation>Der aktuellen Zeit folgen</translation>
    </message>
    <message>
        <source>Back to the selected range, following the current time</source>
        <translation>Zurück zum gewählten Zeitraum, der aktuellen Zeit folgend</translation>
    </message>
    <message>
        <source>Show or hide %1</source>
        <translation>%1 ein- oder ausblenden</translation>
    </message>
    <message>
        <source>Loading telemetry…</source>
        <translation>Lade Telemetrie …</translation>
    </message>
    <message>
        <source>No telemetry in this time range.</source>
        <translation>Keine Telemetrie in diesem Zeitraum.</translation>
    </message>
    <message>
        <source>The server sent only part of this range; zoom in to see every point.</source>
        <translation>Der Server hat nur einen Teil dieses Zeitraums geschickt; zoomen Sie hinein, um alle Punkte zu sehen.</translation>
    </message>
    <message>
        <source>Could not load the history: %1</source>
        <translation>Der Verlauf konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>The server sent history the console does not understand: %1</source>
        <translation>Der Server hat einen Verlauf geschickt, den die Konsole nicht versteht: %1</translation>
    </message>
</context>
<context>
    <name>TwinView</name>
    <message>
        <source>&lt;b&gt;Desired&lt;/b&gt; (what the device should apply)</source>
        <translation>&lt;b&gt;Gewünscht&lt;/b&gt; (was das Gerät anwenden soll)</translation>
    </message>
    <message>
        <source>&lt;b&gt;Reported&lt;/b&gt; (what the device says it runs)</source>
        <translation>&lt;b&gt;Gemeldet&lt;/b&gt; (was laut Gerät läuft)</translation>
    </message>
    <message>
        <source>&lt;b&gt;Delta&lt;/b&gt; (desired values not reported yet)</source>
        <translation>&lt;b&gt;Delta&lt;/b&gt; (gewünschte Werte, noch nicht gemeldet)</translation>
    </message>
    <message>
        <source>&amp;Discard changes</source>
        <translation>Änderungen &amp;verwerfen</translation>
    </message>
    <message>
        <source>&amp;Apply desired configuration</source>
        <translation>Gewünschte Konfiguration &amp;anwenden</translation>
    </message>
    <message>
        <source>Re&amp;load</source>
        <translation>Neu &amp;laden</translation>
    </message>
    <message>
        <source>Could not load the twin: %1</source>
        <translation>Der Twin konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>(nothing reported yet)</source>
        <translation>(noch nichts gemeldet)</translation>
    </message>
    <message>
        <source>No desired configuration set and nothing reported yet.</source>
        <translation>Keine gewünschte Konfiguration festgelegt und noch nichts gemeldet.</translation>
    </message>
    <message>
        <source>In sync: the device applied version %1.</source>
        <translation>Synchron: Das Gerät hat Version %1 angewendet.</translation>
    </message>
    <message numerus="yes">
        <source>Not in sync: desired version %1, the device reported version %2; %n value(s) differ.</source>
        <translation>
            <numerusform>Nicht synchron: gewünschte Version %1, vom Gerät gemeldete Version %2; %n Wert weicht ab.</numerusform>
            <numerusform>Nicht synchron: gewünschte Version %1, vom Gerät gemeldete Version %2; %n Werte weichen ab.</numerusform>
        </translation>
    </message>
    <message>
        <source>Last report %1.</source>
        <translation>Letzte Meldung: %1.</translation>
    </message>
    <message>
        <source>Applying…</source>
        <translation>Wende an …</translation>
    </message>
    <message>
        <source>Not applied: %1 Your edit is kept; reload to see the current version.</source>
        <translation>Nicht angewendet: %1 Ihre Änderung bleibt erhalten; laden Sie neu, um die aktuelle Version zu sehen.</translation>
    </message>
    <message>
        <source>Not applied: %1</source>
        <translation>Nicht angewendet: %1</translation>
    </message>
    <message>
        <source>Version %1 sent to the device.</source>
        <translation>Version %1 an das Gerät gesendet.</translation>
    </message>
</context>
</TS>
