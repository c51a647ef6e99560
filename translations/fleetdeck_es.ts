<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es">
<context>
    <name>AlarmKpisView</name>
    <message>
        <source>Period:</source>
        <translation>Periodo:</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Últimas 24 horas</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Últimos 7 días</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Últimos 30 días</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <source>Alarms raised</source>
        <translation>Alarmas generadas</translation>
    </message>
    <message>
        <source>Average per 10 minutes</source>
        <translation>Promedio por 10 minutos</translation>
    </message>
    <message>
        <source>Peak in 10 minutes</source>
        <translation>Pico en 10 minutos</translation>
    </message>
    <message>
        <source>Time in alarm flood</source>
        <translation>Tiempo en avalancha de alarmas</translation>
    </message>
    <message>
        <source>Chattering alarms</source>
        <translation>Alarmas intermitentes</translation>
    </message>
    <message>
        <source>Stale (active &gt; 24 h)</source>
        <translation>Antiguas (activas &gt; 24 h)</translation>
    </message>
    <message>
        <source>Priority mix (critical / major / lower)</source>
        <translation>Reparto de prioridades (crítica / mayor / menor)</translation>
    </message>
    <message>
        <source>Top 10 bad actors: the rule or check and device that raised most</source>
        <translation>Las 10 peores fuentes: la regla o comprobación y el dispositivo que más alarmas generaron</translation>
    </message>
    <message>
        <source>Rule / check</source>
        <translation>Regla / comprobación</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Dispositivo</translation>
    </message>
    <message>
        <source>Raised</source>
        <translation>Generadas</translation>
    </message>
    <message>
        <source>Share</source>
        <translation>Porcentaje</translation>
    </message>
    <message>
        <source>Targets after EEMUA 191: about one alarm per 10 minutes per operator is very likely acceptable, two is manageable, ten or more is a flood; no chattering or stale alarms; roughly 5 % high, 15 % medium and 80 % low priority. Counted for the whole organisation.</source>
        <translation>Objetivos según EEMUA 191: una alarma cada 10 minutos por operador es muy probablemente aceptable, dos son manejables, diez o más son una avalancha; ninguna alarma intermitente ni antigua; aproximadamente 5 % alta, 15 % media y 80 % baja prioridad. Contado para toda la organización.</translation>
    </message>
    <message>
        <source>✓ %1</source>
        <translation>✓ %1</translation>
    </message>
    <message>
        <source>✗ Target missed: %1</source>
        <translation>✗ Objetivo no alcanzado: %1</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Contando…</translation>
    </message>
    <message>
        <source>Cannot read the alarm figures: %1</source>
        <translation>No se pueden leer las cifras de alarmas: %1</translation>
    </message>
    <message>
        <source>in the period</source>
        <translation>en el periodo</translation>
    </message>
    <message>
        <source>at most 1: very likely acceptable</source>
        <translation>como mucho 1: muy probablemente aceptable</translation>
    </message>
    <message>
        <source>at most 2: manageable</source>
        <translation>como mucho 2: manejable</translation>
    </message>
    <message>
        <source>at most 2</source>
        <translation>como mucho 2</translation>
    </message>
    <message>
        <source>under 10; at %1</source>
        <translation>menos de 10; a las %1</translation>
    </message>
    <message>
        <source>under 10</source>
        <translation>menos de 10</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>under 1 % (%1 flood intervals)</source>
        <translation>menos del 1 % (%1 intervalos de avalancha)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ninguna</translation>
    </message>
    <message>
        <source>none (a snapshot of now)</source>
        <translation>ninguna (una instantánea de ahora)</translation>
    </message>
    <message>
        <source>about 5 / 15 / 80 %</source>
        <translation>aprox. 5 / 15 / 80 %</translation>
    </message>
    <message>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>(the period has more alarm events than are counted at once: the figures are a lower bound)</source>
        <translation>(el periodo tiene más eventos de alarma de los que se cuentan de una vez: las cifras son un mínimo)</translation>
    </message>
</context>
<context>
    <name>AlarmTile</name>
    <message>
        <source>Alarms</source>
        <translation>Alarmas</translation>
    </message>
    <message>
        <source>Alarms: to acknowledge / active</source>
        <translation>Alarmas: por reconocer / activas</translation>
    </message>
</context>
<context>
    <name>AlertActionDialog</name>
    <message>
        <source>Acknowledge alerts</source>
        <translation>Reconocer alarmas</translation>
    </message>
    <message>
        <source>Acknowledge this occurrence. A new occurrence will need its own acknowledgement.</source>
        <translation>Reconocer esta ocurrencia. Una nueva ocurrencia necesitará su propio reconocimiento.</translation>
    </message>
    <message>
        <source>Acknowledge these %1 alerts. A new occurrence will need its own acknowledgement.</source>
        <translation>Reconocer estas %1 alarmas. Una nueva ocurrencia necesitará su propio reconocimiento.</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>Reconocer</translation>
    </message>
    <message>
        <source>Clear alerts</source>
        <translation>Cerrar alarmas</translation>
    </message>
    <message>
        <source>Close this alert: it has returned to normal.</source>
        <translation>Cerrar esta alarma: ha vuelto a la normalidad.</translation>
    </message>
    <message>
        <source>Close these %1 alerts that returned to normal.</source>
        <translation>Cerrar estas %1 alarmas que volvieron a la normalidad.</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Cerrar</translation>
    </message>
    <message>
        <source>Shelve alerts</source>
        <translation>Archivar alarmas</translation>
    </message>
    <message>
        <source>Set this alert aside: it stays listed, greyed, and notifies no one while shelved.</source>
        <translation>Apartar esta alarma: sigue en la lista, en gris, y no notifica a nadie mientras esté archivada.</translation>
    </message>
    <message>
        <source>Set these %1 alerts aside: they stay listed, greyed, and notify no one while shelved.</source>
        <translation>Apartar estas %1 alarmas: siguen en la lista, en gris, y no notifican a nadie mientras estén archivadas.</translation>
    </message>
    <message>
        <source>Shelve</source>
        <translation>Archivar</translation>
    </message>
    <message>
        <source>Unshelve alerts</source>
        <translation>Desarchivar alarmas</translation>
    </message>
    <message>
        <source>End the shelving of this alert.</source>
        <translation>Terminar el archivado de esta alarma.</translation>
    </message>
    <message>
        <source>End the shelving of these %1 alerts.</source>
        <translation>Terminar el archivado de estas %1 alarmas.</translation>
    </message>
    <message>
        <source>Unshelve</source>
        <translation>Desarchivar</translation>
    </message>
    <message>
        <source>Assign alerts</source>
        <translation>Asignar alarmas</translation>
    </message>
    <message>
        <source>Who takes care of this alert?</source>
        <translation>¿Quién se encarga de esta alarma?</translation>
    </message>
    <message>
        <source>Who takes care of these %1 alerts?</source>
        <translation>¿Quién se encarga de estas %1 alarmas?</translation>
    </message>
    <message>
        <source>Assign</source>
        <translation>Asignar</translation>
    </message>
    <message>
        <source>… and %1 more</source>
        <translation>… y %1 más</translation>
    </message>
    <message>
        <source>For</source>
        <translation>Durante</translation>
    </message>
    <message>
        <source>15 minutes</source>
        <translation>15 minutos</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 hora</translation>
    </message>
    <message>
        <source>4 hours</source>
        <translation>4 horas</translation>
    </message>
    <message>
        <source>8 hours (a shift)</source>
        <translation>8 horas (un turno)</translation>
    </message>
    <message>
        <source>24 hours (the longest)</source>
        <translation>24 horas (lo máximo)</translation>
    </message>
    <message>
        <source>Shelve:</source>
        <translation>Archivar:</translation>
    </message>
    <message>
        <source>Until it next returns to normal (one-shot)</source>
        <translation>Hasta que vuelva a la normalidad (una vez)</translation>
    </message>
    <message>
        <source>Nobody (unassign)</source>
        <translation>Nadie (quitar asignación)</translation>
    </message>
    <message>
        <source>Your role cannot list the organisation&apos;s users; you can only unassign.</source>
        <translation>Su rol no puede listar los usuarios de la organización; solo puede quitar la asignación.</translation>
    </message>
    <message>
        <source>Assign to:</source>
        <translation>Asignar a:</translation>
    </message>
    <message>
        <source>Why it is set aside (required), e.g. sensor replaced, ticket 4711</source>
        <translation>Por qué se aparta (obligatorio), p. ej. sensor sustituido, ticket 4711</translation>
    </message>
    <message>
        <source>Optional, e.g. crew on the way</source>
        <translation>Opcional, p. ej. equipo en camino</translation>
    </message>
    <message>
        <source>Note (required):</source>
        <translation>Nota (obligatoria):</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Nota:</translation>
    </message>
    <message>
        <source>%v of %m</source>
        <translation>%v de %m</translation>
    </message>
    <message>
        <source>%1 minutes</source>
        <translation>%1 minutos</translation>
    </message>
    <message>
        <source>Say why the alert is shelved: the note is required and kept in its history.</source>
        <translation>Indique por qué se archiva la alarma: la nota es obligatoria y queda en su historial.</translation>
    </message>
    <message>
        <source>The note is %1 characters long; at most %2 are kept.</source>
        <translation>La nota tiene %1 caracteres; se guardan como mucho %2.</translation>
    </message>
    <message>
        <source>%1 (%2): %3</source>
        <translation>%1 (%2): %3</translation>
    </message>
    <message>
        <source>%1 done; the server refused %2:</source>
        <translation>%1 hechas; el servidor rechazó %2:</translation>
    </message>
    <message>
        <source>The server refused it:</source>
        <translation>El servidor lo rechazó:</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>Reintentar</translation>
    </message>
</context>
<context>
    <name>AlertInfo</name>
    <message>
        <source>Critical</source>
        <translation>Crítica</translation>
    </message>
    <message>
        <source>Major</source>
        <translation>Mayor</translation>
    </message>
    <message>
        <source>Minor</source>
        <translation>Menor</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Aviso</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>Info</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Cerrada</translation>
    </message>
    <message>
        <source>Active, acknowledged</source>
        <translation>Activa, reconocida</translation>
    </message>
    <message>
        <source>Active, unacknowledged</source>
        <translation>Activa, sin reconocer</translation>
    </message>
    <message>
        <source>Returned to normal</source>
        <translation>Vuelta a la normalidad</translation>
    </message>
    <message>
        <source>Returned, unacknowledged</source>
        <translation>Vuelta, sin reconocer</translation>
    </message>
    <message>
        <source>Shelved until it clears</source>
        <translation>Archivada hasta que se despeje</translation>
    </message>
    <message>
        <source>Shelved until %1</source>
        <translation>Archivada hasta las %1</translation>
    </message>
    <message>
        <source>Suppressed: %1</source>
        <translation>Suprimida: %1</translation>
    </message>
    <message>
        <source>Out of service</source>
        <translation>Fuera de servicio</translation>
    </message>
    <message>
        <source>Chattering</source>
        <translation>Intermitente</translation>
    </message>
    <message>
        <source>Offline too long</source>
        <translation>Desconectado demasiado tiempo</translation>
    </message>
    <message>
        <source>Certificate expiring</source>
        <translation>Certificado a punto de caducar</translation>
    </message>
    <message>
        <source>Commands failing</source>
        <translation>Comandos fallando</translation>
    </message>
    <message>
        <source>Device health (%1)</source>
        <translation>Estado del dispositivo (%1)</translation>
    </message>
    <message>
        <source>(deleted rule)</source>
        <translation>(regla eliminada)</translation>
    </message>
</context>
<context>
    <name>AlertsModel</name>
    <message>
        <source>First raised %1; occurrences: %2</source>
        <translation>Generada por primera vez %1; ocurrencias: %2</translation>
    </message>
    <message>
        <source>Acknowledged by %1: %2</source>
        <translation>Reconocida por %1: %2</translation>
    </message>
    <message>
        <source>Shelved by %1: %2</source>
        <translation>Archivada por %1: %2</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioridad</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Dispositivo</translation>
    </message>
    <message>
        <source>Rule / check</source>
        <translation>Regla / comprobación</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Mensaje</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valor</translation>
    </message>
    <message>
        <source>Last raised</source>
        <translation>Última vez</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>Número</translation>
    </message>
    <message>
        <source>Assigned to</source>
        <translation>Asignada a</translation>
    </message>
    <message>
        <source>Shelved / suppressed</source>
        <translation>Archivada / suprimida</translation>
    </message>
</context>
<context>
    <name>AlertsView</name>
    <message>
        <source>Show:</source>
        <translation>Mostrar:</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Abiertas</translation>
    </message>
    <message>
        <source>Needing acknowledgement</source>
        <translation>Pendientes de reconocer</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Activas</translation>
    </message>
    <message>
        <source>Shelved</source>
        <translation>Archivadas</translation>
    </message>
    <message>
        <source>Returned to normal</source>
        <translation>Vueltas a la normalidad</translation>
    </message>
    <message>
        <source>Closed (history)</source>
        <translation>Cerradas (historial)</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Todas</translation>
    </message>
    <message>
        <source>Show or hide %1 alerts</source>
        <translation>Mostrar u ocultar alarmas %1</translation>
    </message>
    <message>
        <source>Filter – device, rule, message</source>
        <translation>Filtro – dispositivo, regla, mensaje</translation>
    </message>
    <message>
        <source>Sound for new criticals</source>
        <translation>Sonido para nuevas críticas</translation>
    </message>
    <message>
        <source>Silence</source>
        <translation>Silenciar</translation>
    </message>
    <message>
        <source>Stop the sound until the next new critical; silencing does not acknowledge</source>
        <translation>Detener el sonido hasta la próxima crítica nueva; silenciar no reconoce</translation>
    </message>
    <message>
        <source>Acknowledge…</source>
        <translation>Reconocer…</translation>
    </message>
    <message>
        <source>Clear…</source>
        <translation>Cerrar…</translation>
    </message>
    <message>
        <source>Shelve…</source>
        <translation>Archivar…</translation>
    </message>
    <message>
        <source>Unshelve…</source>
        <translation>Desarchivar…</translation>
    </message>
    <message>
        <source>Assign…</source>
        <translation>Asignar…</translation>
    </message>
    <message>
        <source>Open device</source>
        <translation>Abrir dispositivo</translation>
    </message>
    <message>
        <source>Alarm list</source>
        <translation>Lista de alarmas</translation>
    </message>
    <message>
        <source>Alarm performance (KPIs)</source>
        <translation>Rendimiento de alarmas (KPI)</translation>
    </message>
    <message>
        <source>Loading alerts…</source>
        <translation>Cargando alarmas…</translation>
    </message>
    <message>
        <source>Cannot read the alerts: %1</source>
        <translation>No se pueden leer las alarmas: %1</translation>
    </message>
    <message>
        <source>%1 shown of %2; %3 open, %4 need acknowledgement</source>
        <translation>%1 mostradas de %2; %3 abiertas, %4 pendientes de reconocer</translation>
    </message>
    <message>
        <source>(the newest %1 only)</source>
        <translation>(solo las %1 más recientes)</translation>
    </message>
    <message>
        <source>Shelving is for tenant administrators</source>
        <translation>Archivar está reservado a los administradores de la organización</translation>
    </message>
    <message>
        <source>Select an alert to see its history.</source>
        <translation>Seleccione una alarma para ver su historial.</translation>
    </message>
    <message>
        <source>%1 alerts selected.</source>
        <translation>%1 alarmas seleccionadas.</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>Dispositivo: %1</translation>
    </message>
    <message>
        <source>Rule / check: %1</source>
        <translation>Regla / comprobación: %1</translation>
    </message>
    <message>
        <source>First raised %1, last raised %2, occurrences: %3</source>
        <translation>Generada por primera vez %1, última vez %2, ocurrencias: %3</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Cuándo</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Qué</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Quién</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Nota</translation>
    </message>
</context>
<context>
    <name>ApiClient</name>
    <message>
        <source>Nothing answers at %1. Check the address and port, and that the server is running.</source>
        <translation>Nada responde en %1. Compruebe la dirección y el puerto, y que el servidor esté en marcha.</translation>
    </message>
    <message>
        <source>The server name %1 could not be found. Check the address.</source>
        <translation>No se encontró el nombre de servidor %1. Compruebe la dirección.</translation>
    </message>
    <message>
        <source>The server at %1 closed the connection unexpectedly.</source>
        <translation>El servidor en %1 cerró la conexión de forma inesperada.</translation>
    </message>
    <message>
        <source>The server at %1 did not answer in time.</source>
        <translation>El servidor en %1 no respondió a tiempo.</translation>
    </message>
    <message>
        <source>The network is not available.</source>
        <translation>La red no está disponible.</translation>
    </message>
    <message>
        <source>Only https:// addresses are supported.</source>
        <translation>Solo se admiten direcciones https://.</translation>
    </message>
    <message>
        <source>Could not reach the server at %1.</source>
        <translation>No se pudo contactar con el servidor en %1.</translation>
    </message>
    <message>
        <source>The server presented a different certificate authority than the one you trusted. This can mean that someone is intercepting the connection.</source>
        <translation>El servidor presentó una autoridad de certificación distinta de la que usted aceptó. Esto puede significar que alguien está interceptando la conexión.</translation>
    </message>
    <message>
        <source>This server&apos;s certificate authority is not trusted yet.</source>
        <translation>La autoridad de certificación de este servidor todavía no es de confianza.</translation>
    </message>
    <message>
        <source>The server did not send its certificate authority, so it cannot be verified.</source>
        <translation>El servidor no envió su autoridad de certificación, por lo que no se puede verificar.</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is not valid: %1</source>
        <translation>El certificado del servidor no es válido: %1</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Cancelado.</translation>
    </message>
    <message>
        <source>The secure connection could not be set up (%1).</source>
        <translation>No se pudo establecer la conexión segura (%1).</translation>
    </message>
    <message>
        <source>The server sent an answer the console does not understand.</source>
        <translation>El servidor envió una respuesta que la consola no entiende.</translation>
    </message>
    <message>
        <source>The server did not accept the credentials.</source>
        <translation>El servidor no aceptó las credenciales.</translation>
    </message>
    <message>
        <source>You are not allowed to do this.</source>
        <translation>No tiene permiso para hacer esto.</translation>
    </message>
    <message>
        <source>The server does not offer this function. Is this a Fleetdeck server?</source>
        <translation>El servidor no ofrece esta función. ¿Es un servidor Fleetdeck?</translation>
    </message>
    <message>
        <source>The server is busy. Try again in a moment.</source>
        <translation>El servidor está ocupado. Inténtelo de nuevo en un momento.</translation>
    </message>
    <message>
        <source>The server reported an internal error (HTTP %1).</source>
        <translation>El servidor informó de un error interno (HTTP %1).</translation>
    </message>
    <message>
        <source>The server rejected the request (HTTP %1).</source>
        <translation>El servidor rechazó la solicitud (HTTP %1).</translation>
    </message>
</context>
<context>
    <name>ChannelDialog</name>
    <message>
        <source>New notification channel</source>
        <translation>Nuevo canal de notificación</translation>
    </message>
    <message>
        <source>Notification channel “%1”</source>
        <translation>Canal de notificación “%1”</translation>
    </message>
    <message>
        <source>Change notification channel “%1”</source>
        <translation>Modificar el canal de notificación “%1”</translation>
    </message>
    <message>
        <source>e.g. On-call webhook</source>
        <translation>p. ej. webhook de guardia</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nombre:</translation>
    </message>
    <message>
        <source>Kind:</source>
        <translation>Tipo:</translation>
    </message>
    <message>
        <source>Send notifications over this channel</source>
        <translation>Enviar notificaciones por este canal</translation>
    </message>
    <message>
        <source>A channel that is switched off keeps its settings; what waits for it is cancelled.</source>
        <translation>Un canal desactivado conserva su configuración; lo que esté pendiente para él se cancela.</translation>
    </message>
    <message>
        <source>Active:</source>
        <translation>Activo:</translation>
    </message>
    <message>
        <source>Write-only: the server never shows it again; ******** keeps the stored one.</source>
        <translation>Solo escritura: el servidor no vuelve a mostrarlo nunca; ******** conserva el guardado.</translation>
    </message>
    <message>
        <source>One “Name: value” per line.</source>
        <translation>Un “Nombre: valor” por línea.</translation>
    </message>
    <message>
        <source>The server POSTs each notification as JSON to this URL. With a secret, each request is signed (X-Fleetdeck-Signature: HMAC-SHA256 of timestamp and body).</source>
        <translation>El servidor envía cada notificación por POST como JSON a esta URL. Con un secreto, cada solicitud se firma (X-Fleetdeck-Signature: HMAC-SHA256 de la marca de tiempo y el cuerpo).</translation>
    </message>
    <message>
        <source>URL:</source>
        <translation>URL:</translation>
    </message>
    <message>
        <source>HMAC secret:</source>
        <translation>Secreto HMAC:</translation>
    </message>
    <message>
        <source>Extra headers:</source>
        <translation>Cabeceras adicionales:</translation>
    </message>
    <message>
        <source>The server sends each notification as an e-mail through this SMTP server.</source>
        <translation>El servidor envía cada notificación como correo electrónico a través de este servidor SMTP.</translation>
    </message>
    <message>
        <source>SMTP host:</source>
        <translation>Host SMTP:</translation>
    </message>
    <message>
        <source>STARTTLS</source>
        <translation>STARTTLS</translation>
    </message>
    <message>
        <source>TLS from the start (SMTPS)</source>
        <translation>TLS desde el inicio (SMTPS)</translation>
    </message>
    <message>
        <source>None (no credentials)</source>
        <translation>Ninguna (sin credenciales)</translation>
    </message>
    <message>
        <source>Security:</source>
        <translation>Seguridad:</translation>
    </message>
    <message>
        <source>Default (587, 465 or 25)</source>
        <translation>Predeterminado (587, 465 o 25)</translation>
    </message>
    <message>
        <source>Port:</source>
        <translation>Puerto:</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>Nombre de usuario:</translation>
    </message>
    <message>
        <source>Empty: no login.</source>
        <translation>Vacío: sin inicio de sesión.</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Contraseña:</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>Remitente:</translation>
    </message>
    <message>
        <source>To:</source>
        <translation>Destinatarios:</translation>
    </message>
    <message>
        <source>Addresses separated by commas.</source>
        <translation>Direcciones separadas por comas.</translation>
    </message>
    <message>
        <source>CA file on the server:</source>
        <translation>Archivo de CA en el servidor:</translation>
    </message>
    <message>
        <source>Empty: the server&apos;s system CAs.</source>
        <translation>Vacío: las CA del sistema del servidor.</translation>
    </message>
    <message>
        <source>Verify the mail server&apos;s certificate</source>
        <translation>Verificar el certificado del servidor de correo</translation>
    </message>
    <message>
        <source>Certificate:</source>
        <translation>Certificado:</translation>
    </message>
    <message>
        <source>The server POSTs one request per number to the SMS gateway&apos;s URL.</source>
        <translation>El servidor envía una solicitud POST por número a la URL de la pasarela SMS.</translation>
    </message>
    <message>
        <source>Gateway URL:</source>
        <translation>URL de la pasarela:</translation>
    </message>
    <message>
        <source>Numbers:</source>
        <translation>Números:</translation>
    </message>
    <message>
        <source>Separated by commas; 5 to 15 digits, an optional leading +.</source>
        <translation>Separados por comas; de 5 a 15 dígitos, con un + inicial opcional.</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>Form (URL-encoded)</source>
        <translation>Formulario (codificado como URL)</translation>
    </message>
    <message>
        <source>Body format:</source>
        <translation>Formato del cuerpo:</translation>
    </message>
    <message>
        <source>Number field:</source>
        <translation>Campo del número:</translation>
    </message>
    <message>
        <source>Text field:</source>
        <translation>Campo del texto:</translation>
    </message>
    <message>
        <source>Authorization header:</source>
        <translation>Cabecera Authorization:</translation>
    </message>
    <message>
        <source>Alerts become PagerDuty incidents (Events API v2): raised triggers, acknowledged acknowledges, cleared and closed resolve.</source>
        <translation>Las alarmas se convierten en incidentes de PagerDuty (Events API v2): generada → trigger, reconocida → acknowledge, despejada y cerrada → resolve.</translation>
    </message>
    <message>
        <source>Routing key:</source>
        <translation>Clave de enrutamiento (routing key):</translation>
    </message>
    <message>
        <source>Default: PagerDuty&apos;s Events API</source>
        <translation>Predeterminado: la Events API de PagerDuty</translation>
    </message>
    <message>
        <source>Events URL:</source>
        <translation>URL de eventos:</translation>
    </message>
    <message>
        <source>Only tenant administrators can change notification channels.</source>
        <translation>Solo los administradores de la organización pueden modificar los canales de notificación.</translation>
    </message>
    <message>
        <source>The kind of a channel cannot change; make a new channel instead.</source>
        <translation>El tipo de un canal no se puede cambiar; cree un canal nuevo en su lugar.</translation>
    </message>
    <message>
        <source>Line %1 is not “Name: value”.</source>
        <translation>La línea %1 no tiene la forma “Nombre: valor”.</translation>
    </message>
    <message>
        <source>The server did not accept the channel: %1</source>
        <translation>El servidor no aceptó el canal: %1</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <source>The channel was not saved: %1</source>
        <translation>No se guardó el canal: %1</translation>
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
        <translation>Correo electrónico</translation>
    </message>
    <message>
        <source>SMS gateway</source>
        <translation>Pasarela SMS</translation>
    </message>
    <message>
        <source>PagerDuty</source>
        <translation>PagerDuty</translation>
    </message>
    <message>
        <source>%1 via %2</source>
        <translation>%1 vía %2</translation>
    </message>
    <message>
        <source>PagerDuty Events API</source>
        <translation>Events API de PagerDuty</translation>
    </message>
</context>
<context>
    <name>ChannelsModel</name>
    <message>
        <source>Active</source>
        <translation>Activo</translation>
    </message>
    <message>
        <source>Switched off</source>
        <translation>Desactivado</translation>
    </message>
    <message>
        <source>None yet</source>
        <translation>Ninguna todavía</translation>
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
Intentos: %2
Respuesta: %3</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Sends to</source>
        <translation>Envía a</translation>
    </message>
    <message>
        <source>Last delivery</source>
        <translation>Última entrega</translation>
    </message>
</context>
<context>
    <name>ChannelsView</name>
    <message>
        <source>Notification channels</source>
        <translation>Canales de notificación</translation>
    </message>
    <message>
        <source>New…</source>
        <translation>Nuevo…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Editar…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Eliminar…</translation>
    </message>
    <message>
        <source>Send test</source>
        <translation>Enviar prueba</translation>
    </message>
    <message>
        <source>Send a test message over the selected channel; its outcome shows in the delivery log</source>
        <translation>Enviar un mensaje de prueba por el canal seleccionado; su resultado aparece en el registro de entregas</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <source>Delivery log</source>
        <translation>Registro de entregas</translation>
    </message>
    <message>
        <source>Policies decide which alerts, and which of their changes, go to which channels.</source>
        <translation>Las políticas deciden qué alarmas, y cuáles de sus cambios, van a qué canales.</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>Añadir…</translation>
    </message>
    <message>
        <source>Remove…</source>
        <translation>Quitar…</translation>
    </message>
    <message>
        <source>Policies</source>
        <translation>Políticas</translation>
    </message>
    <message>
        <source>Details…</source>
        <translation>Detalles…</translation>
    </message>
    <message>
        <source>Channels: %1</source>
        <translation>Canales: %1</translation>
    </message>
    <message>
        <source>read at %1</source>
        <translation>lectura a las %1</translation>
    </message>
    <message>
        <source>not current: %1</source>
        <translation>sin actualizar: %1</translation>
    </message>
    <message>
        <source>Entries: the newest %1</source>
        <translation>Entradas: las %1 más recientes</translation>
    </message>
    <message>
        <source>Entries: %1</source>
        <translation>Entradas: %1</translation>
    </message>
    <message>
        <source>Test over “%1”: %2</source>
        <translation>Prueba por “%1”: %2</translation>
    </message>
    <message>
        <source>Your role may not see the notification channels (operators and administrators can).</source>
        <translation>Su rol no puede ver los canales de notificación (los operadores y administradores sí).</translation>
    </message>
    <message>
        <source>Cannot read the notification channels: %1</source>
        <translation>No se pueden leer los canales de notificación: %1</translation>
    </message>
    <message>
        <source>could not be read at %1</source>
        <translation>no se pudo leer a las %1</translation>
    </message>
    <message>
        <source>could not be read at %1 (%2)</source>
        <translation>no se pudo leer a las %1 (%2)</translation>
    </message>
    <message>
        <source>Channel “%1” made. Send a test to check that it reaches its receiver.</source>
        <translation>Canal “%1” creado. Envíe una prueba para comprobar que llega a su destinatario.</translation>
    </message>
    <message>
        <source>Channel “%1” changed.</source>
        <translation>Canal “%1” modificado.</translation>
    </message>
    <message>
        <source>Delete channel</source>
        <translation>Eliminar canal</translation>
    </message>
    <message>
        <source>Delete the channel “%1”? Notifications still waiting for it are cancelled.</source>
        <translation>¿Eliminar el canal “%1”? Las notificaciones que aún esperan en él se cancelan.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Eliminar</translation>
    </message>
    <message>
        <source>The channel “%1” was not deleted: %2</source>
        <translation>No se eliminó el canal “%1”: %2</translation>
    </message>
    <message>
        <source>Channel “%1” deleted.</source>
        <translation>Canal “%1” eliminado.</translation>
    </message>
    <message>
        <source>Sending a test message over “%1”…</source>
        <translation>Enviando un mensaje de prueba por “%1”…</translation>
    </message>
    <message>
        <source>The test over “%1” was not started: %2</source>
        <translation>No se inició la prueba por “%1”: %2</translation>
    </message>
    <message>
        <source>Test message for “%1” is queued; waiting for the receiver…</source>
        <translation>El mensaje de prueba para “%1” está en cola; esperando al destinatario…</translation>
    </message>
    <message>
        <source>The test message has not been tried yet; Refresh shows its outcome later.</source>
        <translation>Aún no se ha intentado entregar el mensaje de prueba; “Actualizar” mostrará su resultado más tarde.</translation>
    </message>
    <message>
        <source>Policy “%1” added.</source>
        <translation>Política “%1” añadida.</translation>
    </message>
    <message>
        <source>Remove policy</source>
        <translation>Quitar política</translation>
    </message>
    <message>
        <source>Remove the policy “%1”? Its alerts are no longer sent; what it already sent stays in the log.</source>
        <translation>¿Quitar la política “%1”? Sus alarmas ya no se envían; lo que ya envió permanece en el registro.</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <source>The policy “%1” was not removed: %2</source>
        <translation>No se quitó la política “%1”: %2</translation>
    </message>
    <message>
        <source>Policy “%1” removed.</source>
        <translation>Política “%1” quitada.</translation>
    </message>
</context>
<context>
    <name>CommandConsole</name>
    <message>
        <source>queued</source>
        <translation>en cola</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>enviado</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>entregado</translation>
    </message>
    <message>
        <source>succeeded</source>
        <translation>completado</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fallido</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>rechazado</translation>
    </message>
    <message>
        <source>timed out</source>
        <translation>tiempo agotado</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>caducado</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>cancelado</translation>
    </message>
    <message>
        <source>Sent at</source>
        <translation>Enviado</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Comando</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Took</source>
        <translation>Duración</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Por</translation>
    </message>
    <message>
        <source>Payload: %1</source>
        <translation>Carga útil: %1</translation>
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
        <translation>Responde de inmediato; comprueba que el dispositivo ejecuta comandos.</translation>
    </message>
    <message>
        <source>Reboot</source>
        <translation>Reiniciar</translation>
    </message>
    <message>
        <source>Restarts the device; it goes offline for a while and comes back.</source>
        <translation>Reinicia el dispositivo; queda sin conexión un rato y luego vuelve.</translation>
    </message>
    <message>
        <source>Set reporting interval</source>
        <translation>Definir intervalo de informe</translation>
    </message>
    <message>
        <source>Seconds between telemetry readings (0.05 to 86400).</source>
        <translation>Segundos entre lecturas de telemetría (0.05 a 86400).</translation>
    </message>
    <message>
        <source>%1  (%2)</source>
        <translation>%1  (%2)</translation>
    </message>
    <message>
        <source>command type, e.g. reboot</source>
        <translation>tipo de comando, p. ej. reboot</translation>
    </message>
    <message>
        <source>&amp;Command:</source>
        <translation>Co&amp;mando:</translation>
    </message>
    <message>
        <source>&amp;Payload (JSON):</source>
        <translation>Ca&amp;rga útil (JSON):</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>How long the device has to answer once the command reached it.</source>
        <translation>Tiempo que tiene el dispositivo para responder una vez recibido el comando.</translation>
    </message>
    <message>
        <source>How long the command may wait for an offline device before it expires.</source>
        <translation>Tiempo que el comando puede esperar a un dispositivo sin conexión antes de caducar.</translation>
    </message>
    <message>
        <source>Timeout:</source>
        <translation>Tiempo límite:</translation>
    </message>
    <message>
        <source>Waits while offline up to:</source>
        <translation>Espera sin conexión hasta:</translation>
    </message>
    <message>
        <source>&amp;Send command</source>
        <translation>&amp;Enviar comando</translation>
    </message>
    <message>
        <source>&lt;b&gt;History&lt;/b&gt; – double-click a command to send it again</source>
        <translation>&lt;b&gt;Historial&lt;/b&gt; – haga doble clic en un comando para volver a enviarlo</translation>
    </message>
    <message>
        <source>Cancel &amp;queued command</source>
        <translation>Cancelar comando en c&amp;ola</translation>
    </message>
    <message>
        <source>Sending %1…</source>
        <translation>Enviando %1…</translation>
    </message>
    <message>
        <source>The command was not sent: %1</source>
        <translation>No se envió el comando: %1</translation>
    </message>
    <message>
        <source>%1 is %2. The history below follows it live.</source>
        <translation>%1: %2. El historial de abajo lo sigue en vivo.</translation>
    </message>
    <message>
        <source>Could not cancel: %1</source>
        <translation>No se pudo cancelar: %1</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>Cancelado.</translation>
    </message>
    <message>
        <source>Could not load the command history: %1</source>
        <translation>No se pudo cargar el historial de comandos: %1</translation>
    </message>
</context>
<context>
    <name>ConnectDialog</name>
    <message>
        <source>Fleetdeck – Connect to server</source>
        <translation>Fleetdeck – Conectar con el servidor</translation>
    </message>
    <message>
        <source>Connect to a Fleetdeck server</source>
        <translation>Conectar con un servidor Fleetdeck</translation>
    </message>
    <message>
        <source>Address of the server. Servers you connected to before are in the list.</source>
        <translation>Dirección del servidor. Los servidores a los que ya se conectó aparecen en la lista.</translation>
    </message>
    <message>
        <source>Forget</source>
        <translation>Olvidar</translation>
    </message>
    <message>
        <source>Remove this server, its trusted certificate and any saved session from this computer.</source>
        <translation>Eliminar de este equipo el servidor, su certificado de confianza y cualquier sesión guardada.</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Servidor:</translation>
    </message>
    <message>
        <source>name@example.com</source>
        <translation>nombre@example.com</translation>
    </message>
    <message>
        <source>&amp;E-mail:</source>
        <translation>Correo &amp;electrónico:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Contraseña:</translation>
    </message>
    <message>
        <source>Stay signed in on this computer (needed for unattended wall screens)</source>
        <translation>Mantener la sesión en este equipo (necesario para pantallas murales desatendidas)</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Conectar</translation>
    </message>
    <message>
        <source>Certificate authority:</source>
        <translation>Autoridad de certificación:</translation>
    </message>
    <message>
        <source>SHA-256 fingerprint:</source>
        <translation>Huella SHA-256:</translation>
    </message>
    <message>
        <source>Previously trusted:</source>
        <translation>Aceptada antes:</translation>
    </message>
    <message>
        <source>I have confirmed the new fingerprint with the server&apos;s administrator</source>
        <translation>He confirmado la nueva huella con el administrador del servidor</translation>
    </message>
    <message>
        <source>Do &amp;not trust</source>
        <translation>&amp;No confiar</translation>
    </message>
    <message>
        <source>&amp;Trust and connect</source>
        <translation>Confiar y &amp;conectar</translation>
    </message>
    <message>
        <source>Last signed in as %1</source>
        <translation>Última sesión como %1</translation>
    </message>
    <message>
        <source>Last signed in as %1; certificate authority trusted</source>
        <translation>Última sesión como %1; autoridad de certificación de confianza</translation>
    </message>
    <message>
        <source>Enter your password.</source>
        <translation>Introduzca su contraseña.</translation>
    </message>
    <message>
        <source>Contacting %1…</source>
        <translation>Contactando con %1…</translation>
    </message>
    <message>
        <source>WARNING: the server&apos;s identity has changed</source>
        <translation>ADVERTENCIA: la identidad del servidor ha cambiado</translation>
    </message>
    <message>
        <source>%1 now presents a different certificate authority than the one you trusted before. This happens when the platform CA was replaced on purpose – or when someone is intercepting the connection. Do not continue unless the administrator confirms the new fingerprint below.</source>
        <translation>%1 presenta ahora una autoridad de certificación distinta de la que usted aceptó. Esto ocurre cuando la CA de la plataforma se sustituyó a propósito, o cuando alguien está interceptando la conexión. No continúe a menos que el administrador confirme la nueva huella que aparece abajo.</translation>
    </message>
    <message>
        <source>&amp;Replace trusted authority and connect</source>
        <translation>&amp;Sustituir la autoridad de confianza y conectar</translation>
    </message>
    <message>
        <source>Do you trust this server?</source>
        <translation>¿Confía en este servidor?</translation>
    </message>
    <message>
        <source>This is the first connection to %1. The server identifies itself with the platform&apos;s own certificate authority (CA). Compare the fingerprint below with the one your administrator gave you. If you trust it, the console will only accept this CA for this server from now on.</source>
        <translation>Es la primera conexión con %1. El servidor se identifica con la autoridad de certificación (CA) propia de la plataforma. Compare la huella de abajo con la que le dio su administrador. Si confía en ella, la consola solo aceptará esta CA para este servidor a partir de ahora.</translation>
    </message>
    <message>
        <source>Connecting with the trusted certificate authority…</source>
        <translation>Conectando con la autoridad de certificación de confianza…</translation>
    </message>
    <message>
        <source>Not connected: the server&apos;s certificate authority changed and you did not accept it.</source>
        <translation>Sin conexión: la autoridad de certificación del servidor cambió y usted no la aceptó.</translation>
    </message>
    <message>
        <source>Not connected: you did not trust the server&apos;s certificate authority.</source>
        <translation>Sin conexión: usted no confió en la autoridad de certificación del servidor.</translation>
    </message>
</context>
<context>
    <name>Connector</name>
    <message>
        <source>Enter the server address, for example https://fleet.example.com:8443.</source>
        <translation>Introduzca la dirección del servidor, por ejemplo https://fleet.example.com:8443.</translation>
    </message>
    <message>
        <source>This is not a valid server address.</source>
        <translation>No es una dirección de servidor válida.</translation>
    </message>
    <message>
        <source>The console only connects over https://.</source>
        <translation>La consola solo se conecta mediante https://.</translation>
    </message>
    <message>
        <source>Enter only the server address, without a path.</source>
        <translation>Introduzca solo la dirección del servidor, sin ruta.</translation>
    </message>
    <message>
        <source>Enter your e-mail address.</source>
        <translation>Introduzca su dirección de correo electrónico.</translation>
    </message>
    <message>
        <source>This does not look like an e-mail address.</source>
        <translation>Esto no parece una dirección de correo electrónico.</translation>
    </message>
    <message>
        <source>Contacting %1…</source>
        <translation>Contactando con %1…</translation>
    </message>
    <message>
        <source>The server&apos;s certificate authority has not been trusted on this computer yet. Connect once from the desktop console (or use --ca-file) to trust it.</source>
        <translation>La autoridad de certificación del servidor aún no es de confianza en este equipo. Conéctese una vez desde la consola de escritorio (o use --ca-file) para aceptarla.</translation>
    </message>
    <message>
        <source>Signing in as %1…</source>
        <translation>Iniciando sesión como %1…</translation>
    </message>
    <message>
        <source>The server accepted the sign-in but sent no session token.</source>
        <translation>El servidor aceptó el inicio de sesión pero no envió ningún token de sesión.</translation>
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
        <translation>Estado: %1</translation>
    </message>
    <message>
        <source>Last try: %1</source>
        <translation>Último intento: %1</translation>
    </message>
    <message>
        <source>Delivered: %1</source>
        <translation>Entregada: %1</translation>
    </message>
    <message>
        <source>Answer: %1</source>
        <translation>Respuesta: %1</translation>
    </message>
    <message>
        <source>Delivery id: %1</source>
        <translation>ID de entrega: %1</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Channel</source>
        <translation>Canal</translation>
    </message>
    <message>
        <source>For</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Intentos</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Respuesta</translation>
    </message>
</context>
<context>
    <name>DeliveryInfo</name>
    <message>
        <source>Pending</source>
        <translation>Pendiente</translation>
    </message>
    <message>
        <source>Held (quiet hours)</source>
        <translation>Retenida (horas de silencio)</translation>
    </message>
    <message>
        <source>Sending</source>
        <translation>Enviando</translation>
    </message>
    <message>
        <source>Retrying</source>
        <translation>Reintentando</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Entregada</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fallida</translation>
    </message>
    <message>
        <source>Skipped (alert closed)</source>
        <translation>Omitida (alarma cerrada)</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelada</translation>
    </message>
    <message>
        <source>raised</source>
        <translation>generada</translation>
    </message>
    <message>
        <source>acknowledged</source>
        <translation>reconocida</translation>
    </message>
    <message>
        <source>cleared</source>
        <translation>despejada</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>cerrada</translation>
    </message>
    <message>
        <source>escalated</source>
        <translation>escalada</translation>
    </message>
    <message>
        <source>test</source>
        <translation>prueba</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>(next try %1)</source>
        <translation>(próximo intento a las %1)</translation>
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
        <translation>Mensaje de prueba</translation>
    </message>
    <message>
        <source>Alert %1 %2</source>
        <translation>Alarma %1 %2</translation>
    </message>
</context>
<context>
    <name>DeviceView</name>
    <message>
        <source>never</source>
        <translation>nunca</translation>
    </message>
    <message>
        <source>online (last message)</source>
        <translation>en línea (último mensaje)</translation>
    </message>
    <message>
        <source>last seen</source>
        <translation>visto por última vez</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Detalles</translation>
    </message>
    <message>
        <source>Device ID</source>
        <translation>ID de dispositivo</translation>
    </message>
    <message>
        <source>Serial number</source>
        <translation>Número de serie</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Firmware</source>
        <translation>Firmware</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Conexión</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Visto por última vez</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>Registrado</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Etiquetas</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Inquilino</translation>
    </message>
    <message>
        <source>Metadata</source>
        <translation>Metadatos</translation>
    </message>
    <message>
        <source>Connection timeline</source>
        <translation>Historial de conexión</translation>
    </message>
    <message>
        <source>Connection changes seen since this view was opened, newest first.</source>
        <translation>Cambios de conexión vistos desde que se abrió esta vista, los más recientes primero.</translation>
    </message>
    <message>
        <source>&amp;Telemetry</source>
        <translation>&amp;Telemetría</translation>
    </message>
    <message>
        <source>&amp;Commands</source>
        <translation>&amp;Comandos</translation>
    </message>
    <message>
        <source>T&amp;win</source>
        <translation>&amp;Gemelo</translation>
    </message>
    <message>
        <source>%1 · %2 · %3</source>
        <translation>%1 · %2 · %3</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>desconocido</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ninguno</translation>
    </message>
    <message>
        <source>The device is %1: it takes no commands. Resume it first.</source>
        <translation>Estado %1: el dispositivo no acepta comandos. Reactívelo primero.</translation>
    </message>
    <message>
        <source>A decommissioned device&apos;s configuration can no longer change.</source>
        <translation>La configuración de un dispositivo retirado ya no se puede cambiar.</translation>
    </message>
    <message>
        <source>%1  %2</source>
        <translation>%1  %2</translation>
    </message>
    <message>
        <source>online</source>
        <translation>en línea</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>sin conexión</translation>
    </message>
    <message>
        <source>online, firmware %1</source>
        <translation>en línea, firmware %1</translation>
    </message>
</context>
<context>
    <name>FleetModel</name>
    <message>
        <source>Provisioned</source>
        <translation>Aprovisionado</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Activo</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>Suspendido</translation>
    </message>
    <message>
        <source>Decommissioned</source>
        <translation>Retirado</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Desconocido</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>En línea</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Sin conexión</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>desconocido</translation>
    </message>
    <message>
        <source>never</source>
        <translation>nunca</translation>
    </message>
    <message>
        <source>Active device that is not connected</source>
        <translation>Dispositivo activo que no está conectado</translation>
    </message>
    <message>
        <source>Device ID: %1</source>
        <translation>ID de dispositivo: %1</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Conexión</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Serial number</source>
        <translation>Número de serie</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Tipo</translation>
    </message>
    <message>
        <source>Firmware</source>
        <translation>Firmware</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>Visto por última vez</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Etiquetas</translation>
    </message>
    <message>
        <source>Tenant</source>
        <translation>Inquilino</translation>
    </message>
</context>
<context>
    <name>FleetPoller</name>
    <message>
        <source>The server sent a device list the console does not understand.</source>
        <translation>El servidor envió una lista de dispositivos que la consola no entiende.</translation>
    </message>
    <message>
        <source>The server&apos;s health report could not be read.</source>
        <translation>No se pudo leer el informe de estado del servidor.</translation>
    </message>
</context>
<context>
    <name>HealthStatus</name>
    <message>
        <source>up</source>
        <translation>disponible</translation>
    </message>
    <message>
        <source>down</source>
        <translation>caída</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>conectado</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>desconectado</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>degraded</source>
        <translation>degradado</translation>
    </message>
    <message>
        <source>database %1</source>
        <translation>base de datos %1</translation>
    </message>
    <message>
        <source>broker %1</source>
        <translation>broker %1</translation>
    </message>
    <message>
        <source>Server OK</source>
        <translation>Servidor OK</translation>
    </message>
    <message>
        <source>Server %1</source>
        <translation>Servidor %1</translation>
    </message>
    <message>
        <source>Server %1: %2</source>
        <translation>Servidor %1: %2</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>conectando</translation>
    </message>
</context>
<context>
    <name>JsonEditor</name>
    <message>
        <source>Enter a JSON object, e.g. {&quot;key&quot;: 1}.</source>
        <translation>Introduzca un objeto JSON, p. ej. {&quot;key&quot;: 1}.</translation>
    </message>
    <message>
        <source>Line %1, column %2: %3</source>
        <translation>Línea %1, columna %2: %3</translation>
    </message>
    <message>
        <source>Must be a JSON object – in braces { … }.</source>
        <translation>Debe ser un objeto JSON – entre llaves { … }.</translation>
    </message>
    <message>
        <source>Valid JSON</source>
        <translation>JSON válido</translation>
    </message>
</context>
<context>
    <name>LinkMonitor</name>
    <message>
        <source>Connecting (failing since %1)</source>
        <translation>Conectando (con fallos desde %1)</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Conectando…</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Conectado</translation>
    </message>
    <message>
        <source>Reconnecting since %1</source>
        <translation>Reconectando desde %1</translation>
    </message>
    <message>
        <source>Link lost since %1</source>
        <translation>Conexión perdida desde %1</translation>
    </message>
    <message>
        <source>Signed out since %1</source>
        <translation>Sesión cerrada desde %1</translation>
    </message>
</context>
<context>
    <name>LiveClient</name>
    <message>
        <source>The server refused the request (code %1).</source>
        <translation>El servidor rechazó la solicitud (código %1).</translation>
    </message>
    <message>
        <source>The live link to the server is not up.</source>
        <translation>La conexión en vivo con el servidor no está activa.</translation>
    </message>
    <message>
        <source>The live link&apos;s certificate is not valid: %1</source>
        <translation>El certificado de la conexión en vivo no es válido: %1</translation>
    </message>
    <message>
        <source>The server closed the live link: %1</source>
        <translation>El servidor cerró la conexión en vivo: %1</translation>
    </message>
    <message>
        <source>The live link failed: %1</source>
        <translation>Falló la conexión en vivo: %1</translation>
    </message>
    <message>
        <source>The server closed the live link.</source>
        <translation>El servidor cerró la conexión en vivo.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n s ago</source>
        <translation>
            <numerusform>hace %n s</numerusform>
            <numerusform>hace %n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n min ago</source>
        <translation>
            <numerusform>hace %n min</numerusform>
            <numerusform>hace %n min</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h ago</source>
        <translation>
            <numerusform>hace %n h</numerusform>
            <numerusform>hace %n h</numerusform>
        </translation>
    </message>
    <message>
        <source>Fleetdeck Console</source>
        <translation>Consola Fleetdeck</translation>
    </message>
    <message>
        <source>Fleetdeck – fleet overview</source>
        <translation>Fleetdeck – vista general de la flota</translation>
    </message>
    <message>
        <source>Filter – e.g. pump  status:suspended  conn:offline  tag:north  -type:gateway</source>
        <translation>Filtro – p. ej. pump  status:suspended  conn:offline  tag:north  -type:gateway</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>&amp;Sign in again…</source>
        <translation>&amp;Iniciar sesión de nuevo…</translation>
    </message>
    <message>
        <source>&amp;Refresh now</source>
        <translation>Actuali&amp;zar ahora</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <source>&amp;Filter devices</source>
        <translation>&amp;Filtrar dispositivos</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;Tema</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>&amp;Claro</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Oscuro</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>A&amp;yuda</translation>
    </message>
    <message>
        <source>&amp;About Fleetdeck Console</source>
        <translation>&amp;Acerca de la consola Fleetdeck</translation>
    </message>
    <message>
        <source>About Fleetdeck Console</source>
        <translation>Acerca de la consola Fleetdeck</translation>
    </message>
    <message>
        <source>&lt;b&gt;Fleetdeck Console&lt;/b&gt; %1&lt;br&gt;Device management for IoT fleets.</source>
        <translation>&lt;b&gt;Consola Fleetdeck&lt;/b&gt; %1&lt;br&gt;Gestión de dispositivos para flotas IoT.</translation>
    </message>
    <message>
        <source>%1 @ %2</source>
        <translation>%1 @ %2</translation>
    </message>
    <message>
        <source>Session valid until %1</source>
        <translation>Sesión válida hasta %1</translation>
    </message>
    <message>
        <source>Last refresh %1 (%2)</source>
        <translation>Última actualización %1 (%2)</translation>
    </message>
    <message>
        <source>No data received yet</source>
        <translation>Aún no se han recibido datos</translation>
    </message>
    <message>
        <source>%1 of %2 devices</source>
        <translation>%1 de %2 dispositivos</translation>
    </message>
    <message>
        <source>The data shown is from %1 (%2) and is not live.</source>
        <translation>Los datos mostrados son de las %1 (%2) y no están en directo.</translation>
    </message>
    <message>
        <source>No data has been received yet.</source>
        <translation>Todavía no se han recibido datos.</translation>
    </message>
    <message>
        <source>Cannot reach the server yet: %1</source>
        <translation>Aún no se puede contactar con el servidor: %1</translation>
    </message>
    <message>
        <source>Reconnecting since %1. %2</source>
        <translation>Reconectando desde %1. %2</translation>
    </message>
    <message>
        <source>LINK LOST since %1 – %2 Last error: %3</source>
        <translation>CONEXIÓN PERDIDA desde %1 – %2 Último error: %3</translation>
    </message>
    <message>
        <source>SIGNED OUT – signing in again automatically (%1). %2</source>
        <translation>SESIÓN CERRADA – volviendo a iniciar sesión automáticamente (%1). %2</translation>
    </message>
    <message>
        <source>SIGNED OUT – %1</source>
        <translation>SESIÓN CERRADA – %1</translation>
    </message>
    <message>
        <source>SIGNED OUT – the session ended. Use File › Sign in again. %1</source>
        <translation>SESIÓN CERRADA – la sesión terminó. Use Archivo › Iniciar sesión de nuevo. %1</translation>
    </message>
    <message>
        <source>No server configured: set FLEETDECK_SERVER or use --server.</source>
        <translation>No hay servidor configurado: defina FLEETDECK_SERVER o use --server.</translation>
    </message>
    <message>
        <source>No saved session for %1 and no FLEETDECK_EMAIL / FLEETDECK_PASSWORD to sign in with.</source>
        <translation>No hay sesión guardada para %1 ni FLEETDECK_EMAIL / FLEETDECK_PASSWORD para iniciar sesión.</translation>
    </message>
    <message>
        <source>No devices are registered on this server yet.</source>
        <translation>Todavía no hay dispositivos registrados en este servidor.</translation>
    </message>
    <message>
        <source>No device matches the filter.</source>
        <translation>Ningún dispositivo coincide con el filtro.</translation>
    </message>
    <message>
        <source>Fleet</source>
        <translation>Flota</translation>
    </message>
    <message>
        <source>&amp;Open selected device</source>
        <translation>&amp;Abrir dispositivo seleccionado</translation>
    </message>
    <message>
        <source>&amp;Close device tab</source>
        <translation>&amp;Cerrar pestaña del dispositivo</translation>
    </message>
    <message>
        <source>Show &amp;fleet</source>
        <translation>Mostrar f&amp;lota</translation>
    </message>
    <message>
        <source>● Live</source>
        <translation>● En vivo</translation>
    </message>
    <message>
        <source>Changes are pushed by the server as they happen (%1).</source>
        <translation>El servidor envía los cambios en cuanto se producen (%1).</translation>
    </message>
    <message>
        <source>Live link: connecting…</source>
        <translation>Conexión en vivo: conectando…</translation>
    </message>
    <message numerus="yes">
        <source>No live link – refreshing every %n s</source>
        <translation>
            <numerusform>Sin conexión en vivo – actualizando cada %n s</numerusform>
            <numerusform>Sin conexión en vivo – actualizando cada %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>The session ended.</source>
        <translation>La sesión terminó.</translation>
    </message>
    <message>
        <source>Loading the fleet… %1 devices so far</source>
        <translation>Cargando la flota… %1 dispositivos hasta ahora</translation>
    </message>
    <message>
        <source>%1 – active but offline</source>
        <translation>%1 – activo sin conexión</translation>
    </message>
    <message>
        <source>Fleetdeck – %1</source>
        <translation>Fleetdeck – %1</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alarmas</translation>
    </message>
    <message>
        <source>Alerts (%1)</source>
        <translation>Alarmas (%1)</translation>
    </message>
    <message>
        <source>%1 open alerts, %2 not acknowledged</source>
        <translation>%1 alarmas abiertas, %2 sin reconocer</translation>
    </message>
    <message>
        <source>No open alerts</source>
        <translation>Ninguna alarma abierta</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>Reglas</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Notificaciones</translation>
    </message>
</context>
<context>
    <name>OverviewBar</name>
    <message>
        <source>Devices</source>
        <translation>Dispositivos</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>En línea</translation>
    </message>
    <message>
        <source>Active but offline</source>
        <translation>Activos sin conexión</translation>
    </message>
    <message>
        <source>Suspended</source>
        <translation>Suspendidos</translation>
    </message>
    <message>
        <source>Provisioned, not yet seen</source>
        <translation>Aprovisionados, aún no vistos</translation>
    </message>
    <message>
        <source>Server health</source>
        <translation>Estado del servidor</translation>
    </message>
    <message>
        <source>Server version %1</source>
        <translation>Versión del servidor %1</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Desconocido</translation>
    </message>
    <message>
        <source>Readings stored / s</source>
        <translation>Lecturas guardadas / s</translation>
    </message>
    <message>
        <source>Telemetry readings the server stored per second, between the last two health checks.</source>
        <translation>Lecturas de telemetría que el servidor guardó por segundo, entre las dos últimas comprobaciones de estado.</translation>
    </message>
    <message>
        <source>Commands in flight</source>
        <translation>Comandos en curso</translation>
    </message>
    <message>
        <source>Commands queued for a device or sent and not finished yet.</source>
        <translation>Comandos en cola para un dispositivo o enviados y aún sin terminar.</translation>
    </message>
    <message>
        <source>Open alarms: how many wait for acknowledgement and how many are active, by priority. Set aside (shelved, suppressed or out of service) alarms are not counted. Click to show the alarm list.</source>
        <translation>Alarmas abiertas: cuántas esperan reconocimiento y cuántas están activas, por prioridad. Las alarmas apartadas (archivadas, suprimidas o fuera de servicio) no se cuentan. Haga clic para mostrar la lista de alarmas.</translation>
    </message>
    <message>
        <source>Not known yet</source>
        <translation>Aún desconocido</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <comment>count, priority</comment>
        <translation>%2: %1</translation>
    </message>
    <message>
        <source>None active; %1 returned to normal, not acknowledged</source>
        <translation>Ninguna activa; %1 vueltas a la normalidad, sin reconocer</translation>
    </message>
    <message>
        <source>No open alarms</source>
        <translation>Ninguna alarma abierta</translation>
    </message>
    <message>
        <source>%1 set aside</source>
        <translation>%1 apartadas</translation>
    </message>
</context>
<context>
    <name>OverviewTile</name>
    <message>
        <source>Show these devices in the table (filter: %1)</source>
        <translation>Mostrar estos dispositivos en la tabla (filtro: %1)</translation>
    </message>
</context>
<context>
    <name>PoliciesModel</name>
    <message>
        <source>%1 (switched off)</source>
        <translation>%1 (desactivada)</translation>
    </message>
    <message numerus="yes">
        <source>%n escalation step(s)</source>
        <translation>
            <numerusform>%n nivel de escalado</numerusform>
            <numerusform>%n niveles de escalado</numerusform>
        </translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>Política</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Alarmas</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>Cambios</translation>
    </message>
    <message>
        <source>Channels</source>
        <translation>Canales</translation>
    </message>
    <message>
        <source>Quiet hours</source>
        <translation>Horas de silencio</translation>
    </message>
</context>
<context>
    <name>PolicyDialog</name>
    <message>
        <source>New notification policy</source>
        <translation>Nueva política de notificación</translation>
    </message>
    <message>
        <source>e.g. Criticals to on-call</source>
        <translation>p. ej. Críticas a guardia</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nombre:</translation>
    </message>
    <message>
        <source>None ticked: every severity.</source>
        <translation>Ninguna marcada: todas las prioridades.</translation>
    </message>
    <message>
        <source>Severities:</source>
        <translation>Prioridades:</translation>
    </message>
    <message>
        <source>Device-health alerts (offline, stale data) too</source>
        <translation>También alarmas de estado del dispositivo (sin conexión, datos antiguos)</translation>
    </message>
    <message>
        <source>Notify when an alert is:</source>
        <translation>Notificar cuando una alarma sea:</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Send to:</source>
        <translation>Enviar a:</translation>
    </message>
    <message>
        <source>Quiet hours</source>
        <translation>Horas de silencio</translation>
    </message>
    <message>
        <source>An IANA time zone such as Europe/Berlin</source>
        <translation>Una zona horaria IANA como Europe/Madrid</translation>
    </message>
    <message>
        <source>Critical alerts are still sent</source>
        <translation>Las alarmas críticas se envían igualmente</translation>
    </message>
    <message>
        <source>From:</source>
        <translation>Desde:</translation>
    </message>
    <message>
        <source>Until:</source>
        <translation>Hasta:</translation>
    </message>
    <message>
        <source>Time zone:</source>
        <translation>Zona horaria:</translation>
    </message>
    <message>
        <source>The server did not accept the policy: %1</source>
        <translation>El servidor no aceptó la política: %1</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <source>The policy was not saved: %1</source>
        <translation>No se guardó la política: %1</translation>
    </message>
</context>
<context>
    <name>PolicyInfo</name>
    <message>
        <source>Every severity</source>
        <translation>Todas las prioridades</translation>
    </message>
    <message>
        <source>every rule</source>
        <translation>todas las reglas</translation>
    </message>
    <message numerus="yes">
        <source>%n rule(s)</source>
        <translation>
            <numerusform>%n regla</numerusform>
            <numerusform>%n reglas</numerusform>
        </translation>
    </message>
    <message>
        <source>health alerts too</source>
        <translation>también alarmas de estado</translation>
    </message>
    <message>
        <source>no health alerts</source>
        <translation>sin alarmas de estado</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Ninguna</translation>
    </message>
    <message>
        <source>%1–%2 %3</source>
        <translation>%1–%2 %3</translation>
    </message>
    <message>
        <source>%1 still sent</source>
        <translation>%1: se siguen enviando</translation>
    </message>
</context>
<context>
    <name>RuleEditor</name>
    <message>
        <source>Threshold (value compared with a limit)</source>
        <translation>Umbral (valor comparado con un límite)</translation>
    </message>
    <message>
        <source>Range (inside or outside two limits)</source>
        <translation>Rango (dentro o fuera de dos límites)</translation>
    </message>
    <message>
        <source>Rate of change (per second)</source>
        <translation>Tasa de cambio (por segundo)</translation>
    </message>
    <message>
        <source>Windowed aggregate (avg, min, max, count)</source>
        <translation>Agregado en una ventana (avg, min, max, count)</translation>
    </message>
    <message>
        <source>Absence (no telemetry for a time)</source>
        <translation>Ausencia (sin telemetría durante un tiempo)</translation>
    </message>
    <message>
        <source>Offline (longer than a time)</source>
        <translation>Sin conexión (más de un tiempo)</translation>
    </message>
    <message>
        <source>All of (and)</source>
        <translation>Todas (y)</translation>
    </message>
    <message>
        <source>Any of (or)</source>
        <translation>Alguna (o)</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Última hora</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Últimas 24 horas</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Últimos 7 días</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Últimos 30 días</translation>
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
        <translation>Formulario</translation>
    </message>
    <message>
        <source>JSON</source>
        <translation>JSON</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Guardar</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Revertir</translation>
    </message>
    <message>
        <source>Forget the changes since the rule was loaded or saved</source>
        <translation>Descartar los cambios hechos desde que se cargó o guardó la regla</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>Regla</translation>
    </message>
    <message>
        <source>What the operator reads, e.g. &quot;Pump overheating&quot;</source>
        <translation>Lo que lee el operador, p. ej. “Bomba sobrecalentada”</translation>
    </message>
    <message>
        <source>Active (evaluated on incoming telemetry)</source>
        <translation>Activa (se evalúa con la telemetría entrante)</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Nombre:</translation>
    </message>
    <message>
        <source>Description:</source>
        <translation>Descripción:</translation>
    </message>
    <message>
        <source>Devices it watches</source>
        <translation>Dispositivos que vigila</translation>
    </message>
    <message>
        <source>any type</source>
        <translation>cualquier tipo</translation>
    </message>
    <message>
        <source>comma-separated; a device needs all of them</source>
        <translation>separadas por comas; un dispositivo necesita todas</translation>
    </message>
    <message>
        <source>Tick devices to limit the rule to them; none ticked: every device the type and tags allow</source>
        <translation>Marque dispositivos para limitar la regla a ellos; ninguno marcado: todos los dispositivos que permitan el tipo y las etiquetas</translation>
    </message>
    <message>
        <source>Device type:</source>
        <translation>Tipo de dispositivo:</translation>
    </message>
    <message>
        <source>Tags:</source>
        <translation>Etiquetas:</translation>
    </message>
    <message>
        <source>Only these devices:</source>
        <translation>Solo estos dispositivos:</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>Condición</translation>
    </message>
    <message>
        <source>Raise when</source>
        <translation>Generar cuando</translation>
    </message>
    <message>
        <source>Clear when (instead of when the condition stops)</source>
        <translation>Despejar cuando (en lugar de cuando deje de cumplirse la condición)</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Añadir</translation>
    </message>
    <message>
        <source>Add a condition to the selected &quot;all of&quot; / &quot;any of&quot;</source>
        <translation>Añadir una condición al “Todas” / “Alguna” seleccionado</translation>
    </message>
    <message>
        <source>And…</source>
        <translation>Y…</translation>
    </message>
    <message>
        <source>Combine the selected condition with another one: both must hold</source>
        <translation>Combinar la condición seleccionada con otra: deben cumplirse ambas</translation>
    </message>
    <message>
        <source>Or…</source>
        <translation>O…</translation>
    </message>
    <message>
        <source>Combine the selected condition with another one: either may hold</source>
        <translation>Combinar la condición seleccionada con otra: basta con que se cumpla una</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Quitar</translation>
    </message>
    <message>
        <source>Separate clear condition</source>
        <translation>Condición de despeje independiente</translation>
    </message>
    <message>
        <source>Fires outside the range (off: inside)</source>
        <translation>Se dispara fuera del rango (desmarcado: dentro)</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>segundos</translation>
    </message>
    <message>
        <source>seconds; empty: at once</source>
        <translation>segundos; vacío: de inmediato</translation>
    </message>
    <message>
        <source>readings; empty: one is enough</source>
        <translation>lecturas; vacío: basta con una</translation>
    </message>
    <message>
        <source>empty: none</source>
        <translation>vacío: ninguna</translation>
    </message>
    <message>
        <source>Once raised, the value must go back past the limit by this much before it clears, so a value hovering at the limit does not chatter</source>
        <translation>Una vez generada la alarma, el valor debe retroceder esta cantidad más allá del límite antes de despejarse, para que un valor que ronda el límite no sea intermitente</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>Tipo:</translation>
    </message>
    <message>
        <source>Metric:</source>
        <translation>Métrica:</translation>
    </message>
    <message>
        <source>Aggregate:</source>
        <translation>Agregación:</translation>
    </message>
    <message>
        <source>Window:</source>
        <translation>Ventana:</translation>
    </message>
    <message>
        <source>Operator:</source>
        <translation>Operador:</translation>
    </message>
    <message>
        <source>Value:</source>
        <translation>Valor:</translation>
    </message>
    <message>
        <source>Minimum:</source>
        <translation>Mínimo:</translation>
    </message>
    <message>
        <source>Maximum:</source>
        <translation>Máximo:</translation>
    </message>
    <message>
        <source>For:</source>
        <translation>Durante:</translation>
    </message>
    <message>
        <source>Holds for:</source>
        <translation>Se mantiene durante:</translation>
    </message>
    <message>
        <source>Repeated:</source>
        <translation>Repeticiones:</translation>
    </message>
    <message>
        <source>Within:</source>
        <translation>En un plazo de:</translation>
    </message>
    <message>
        <source>Deadband:</source>
        <translation>Banda muerta:</translation>
    </message>
    <message>
        <source>Delays</source>
        <translation>Retardos</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>The condition must hold this long before the alert is raised</source>
        <translation>Tiempo que debe cumplirse la condición antes de generar la alarma</translation>
    </message>
    <message>
        <source>The condition must stay false this long before the alert clears</source>
        <translation>Tiempo que la condición debe dejar de cumplirse antes de que la alarma se despeje</translation>
    </message>
    <message>
        <source>On-delay:</source>
        <translation>Retardo de activación:</translation>
    </message>
    <message>
        <source>Off-delay:</source>
        <translation>Retardo de desactivación:</translation>
    </message>
    <message>
        <source>Raise an alert</source>
        <translation>Generar una alarma</translation>
    </message>
    <message>
        <source>{device.name}: {metric} at {value}</source>
        <translation>{device.name}: {metric} en {value}</translation>
    </message>
    <message>
        <source>Placeholders: {device.name} {device.id} {device.type} {rule.name} {metric} {value} {severity}</source>
        <translation>Marcadores: {device.name} {device.id} {device.type} {rule.name} {metric} {value} {severity}</translation>
    </message>
    <message>
        <source>Priority:</source>
        <translation>Prioridad:</translation>
    </message>
    <message>
        <source>Message:</source>
        <translation>Mensaje:</translation>
    </message>
    <message>
        <source>Run commands</source>
        <translation>Ejecutar comandos</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Comando</translation>
    </message>
    <message>
        <source>Parameters (JSON)</source>
        <translation>Parámetros (JSON)</translation>
    </message>
    <message>
        <source>At most every (s)</source>
        <translation>Como máximo cada (s)</translation>
    </message>
    <message>
        <source>Add command</source>
        <translation>Añadir comando</translation>
    </message>
    <message>
        <source>Remove command</source>
        <translation>Quitar comando</translation>
    </message>
    <message>
        <source>Backtest: when would this rule have fired?</source>
        <translation>Prueba retrospectiva: ¿cuándo se habría disparado esta regla?</translation>
    </message>
    <message>
        <source>Run backtest</source>
        <translation>Ejecutar prueba retrospectiva</translation>
    </message>
    <message>
        <source>Run the rule as it is in the editor (saved or not) over the device&apos;s stored history</source>
        <translation>Ejecutar la regla tal como está en el editor (guardada o no) sobre el historial almacenado del dispositivo</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>Dispositivo:</translation>
    </message>
    <message>
        <source>Pick a device and run the draft over its history: nothing is saved or alerted.</source>
        <translation>Elija un dispositivo y ejecute el borrador sobre su historial: no se guarda nada ni se genera ninguna alarma.</translation>
    </message>
    <message>
        <source>Raised</source>
        <translation>Generada</translation>
    </message>
    <message>
        <source>Cleared</source>
        <translation>Despejada</translation>
    </message>
    <message>
        <source>Lasted</source>
        <translation>Duración</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Valor</translation>
    </message>
    <message>
        <source>empty: any telemetry</source>
        <translation>vacío: cualquier telemetría</translation>
    </message>
    <message>
        <source>The JSON is not valid: %1</source>
        <translation>El JSON no es válido: %1</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Comprobando…</translation>
    </message>
    <message>
        <source>The rule is valid.</source>
        <translation>La regla es válida.</translation>
    </message>
    <message>
        <source>Could not check the rule: %1</source>
        <translation>No se pudo comprobar la regla: %1</translation>
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
        <translation>Una regla nueva: póngale un nombre y guárdela.</translation>
    </message>
    <message>
        <source>Version %1, changed %2.</source>
        <translation>Versión %1, modificada el %2.</translation>
    </message>
    <message>
        <source>Pick a device and run the rule over its history: nothing is saved or alerted.</source>
        <translation>Elija un dispositivo y ejecute la regla sobre su historial: no se guarda nada ni se genera ninguna alarma.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Guardando…</translation>
    </message>
    <message>
        <source>Not saved: %1</source>
        <translation>No guardada: %1</translation>
    </message>
    <message>
        <source>Saved (version %1).</source>
        <translation>Guardada (versión %1).</translation>
    </message>
    <message>
        <source>Read only: your role may look at rules, not change them.</source>
        <translation>Solo lectura: su rol puede ver las reglas, pero no modificarlas.</translation>
    </message>
    <message>
        <source>No device to test on: the fleet has none yet.</source>
        <translation>No hay ningún dispositivo con el que probar: la flota aún no tiene ninguno.</translation>
    </message>
    <message>
        <source>The backtest failed: %1</source>
        <translation>La prueba retrospectiva falló: %1</translation>
    </message>
    <message>
        <source>still active</source>
        <translation>aún activa</translation>
    </message>
    <message>
        <source>Only the first %1 firings are listed.</source>
        <translation>Solo se muestran los primeros %1 disparos.</translation>
    </message>
    <message>
        <source>Last 15 minutes</source>
        <translation>Últimos 15 minutos</translation>
    </message>
    <message>
        <source>Running the rule over %2&apos;s history (%1)…</source>
        <translation>Ejecutando la regla sobre el historial de %2 (%1)…</translation>
    </message>
    <message>
        <source>It would not have fired on %1 (%2, %3 readings checked).</source>
        <translation>No se habría activado en %1 (%2, %3 lecturas revisadas).</translation>
    </message>
    <message numerus="yes">
        <source>It would have fired %n time(s) on %1 (%2, %3 readings checked).</source>
        <translation>
            <numerusform>Se habría activado una vez en %1 (%2, %3 lecturas revisadas).</numerusform>
            <numerusform>Se habría activado %n veces en %1 (%2, %3 lecturas revisadas).</numerusform>
        </translation>
    </message>
    <message>
        <source>The number the chart shows above the firing</source>
        <translation>El número que muestra el gráfico sobre la activación</translation>
    </message>
</context>
<context>
    <name>RuleText</name>
    <message>
        <source>for %1 s</source>
        <translation>durante %1 s</translation>
    </message>
    <message>
        <source>%1× in %2 s</source>
        <translation>%1× en %2 s</translation>
    </message>
    <message>
        <source>deadband %1</source>
        <translation>banda muerta %1</translation>
    </message>
    <message>
        <source>%1 outside %2…%3</source>
        <translation>%1 fuera de %2…%3</translation>
    </message>
    <message>
        <source>%1 inside %2…%3</source>
        <translation>%1 dentro de %2…%3</translation>
    </message>
    <message>
        <source>%1 changes %2 %3 per s</source>
        <translation>%1 cambia %2 %3 por s</translation>
    </message>
    <message>
        <source>%1(%2) over %3 s %4 %5</source>
        <translation>%1(%2) en %3 s %4 %5</translation>
    </message>
    <message>
        <source>no telemetry for %1 s</source>
        <translation>sin telemetría durante %1 s</translation>
    </message>
    <message>
        <source>no %1 for %2 s</source>
        <translation>sin %1 durante %2 s</translation>
    </message>
    <message>
        <source>offline for %1 s</source>
        <translation>sin conexión durante %1 s</translation>
    </message>
    <message numerus="yes">
        <source>all of %n</source>
        <translation>
            <numerusform>%n condición</numerusform>
            <numerusform>todas las %n condiciones</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>any of %n</source>
        <translation>
            <numerusform>%n condición</numerusform>
            <numerusform>alguna de las %n condiciones</numerusform>
        </translation>
    </message>
    <message>
        <source>(no type)</source>
        <translation>(sin tipo)</translation>
    </message>
    <message>
        <source> and </source>
        <translation> y </translation>
    </message>
    <message>
        <source> or </source>
        <translation> o </translation>
    </message>
    <message>
        <source>type %1</source>
        <translation>tipo %1</translation>
    </message>
    <message>
        <source>tags %1</source>
        <translation>etiquetas %1</translation>
    </message>
    <message numerus="yes">
        <source>%n device(s)</source>
        <translation>
            <numerusform>%n dispositivo</numerusform>
            <numerusform>%n dispositivos</numerusform>
        </translation>
    </message>
    <message>
        <source>whole organisation</source>
        <translation>toda la organización</translation>
    </message>
</context>
<context>
    <name>RulesView</name>
    <message>
        <source>New rule</source>
        <translation>Nueva regla</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Eliminar</translation>
    </message>
    <message>
        <source>Switch off</source>
        <translation>Desactivar</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Actualizar</translation>
    </message>
    <message>
        <source>Filter rules by name, metric or scope</source>
        <translation>Filtrar reglas por nombre, métrica o ámbito</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioridad</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Activa</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>Condición</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Dispositivos</translation>
    </message>
    <message>
        <source>A rule switched off is not evaluated and its open alerts close</source>
        <translation>Una regla desactivada no se evalúa y sus alarmas abiertas se cierran</translation>
    </message>
    <message>
        <source>Saved &quot;%1&quot;.</source>
        <translation>“%1” guardada.</translation>
    </message>
    <message>
        <source>Loading rules…</source>
        <translation>Cargando reglas…</translation>
    </message>
    <message>
        <source>Could not load the rules: %1</source>
        <translation>No se pudieron cargar las reglas: %1</translation>
    </message>
    <message>
        <source>No rules yet: make one with &quot;New rule&quot;.</source>
        <translation>Aún no hay reglas: cree una con “Nueva regla”.</translation>
    </message>
    <message numerus="yes">
        <source>%n rule(s).</source>
        <translation>
            <numerusform>%n regla.</numerusform>
            <numerusform>%n reglas.</numerusform>
        </translation>
    </message>
    <message>
        <source>no alert</source>
        <translation>sin alarma</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>sí</translation>
    </message>
    <message>
        <source>off</source>
        <translation>desactivada</translation>
    </message>
    <message>
        <source>Discard changes?</source>
        <translation>¿Descartar los cambios?</translation>
    </message>
    <message>
        <source>The rule in the editor has changes that are not saved. Discard them?</source>
        <translation>La regla del editor tiene cambios sin guardar. ¿Descartarlos?</translation>
    </message>
    <message>
        <source>Delete rule</source>
        <translation>Eliminar regla</translation>
    </message>
    <message>
        <source>Delete the rule &quot;%1&quot;? Its open alerts close; their history stays.</source>
        <translation>¿Eliminar la regla “%1”? Sus alarmas abiertas se cierran; su historial se conserva.</translation>
    </message>
    <message>
        <source>Could not delete &quot;%1&quot;: %2</source>
        <translation>No se pudo eliminar “%1”: %2</translation>
    </message>
    <message>
        <source>Deleted &quot;%1&quot;.</source>
        <translation>“%1” eliminada.</translation>
    </message>
    <message>
        <source>Could not change the rule: %1</source>
        <translation>No se pudo modificar la regla: %1</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is on.</source>
        <translation>“%1” está activada.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is off.</source>
        <translation>“%1” está desactivada.</translation>
    </message>
    <message>
        <source>Switch on</source>
        <translation>Activar</translation>
    </message>
    <message>
        <source>There is no rule named &quot;%1&quot;.</source>
        <translation>No hay ninguna regla llamada “%1”.</translation>
    </message>
</context>
<context>
    <name>SecretEdit</name>
    <message>
        <source>Not set</source>
        <translation>Sin definir</translation>
    </message>
    <message>
        <source>A secret is stored. Leave ******** to keep it, type a new one to replace it, or empty the field to remove it.</source>
        <translation>Hay un secreto guardado. Deje ******** para conservarlo, escriba uno nuevo para sustituirlo o vacíe el campo para eliminarlo.</translation>
    </message>
</context>
<context>
    <name>TelemetryChart</name>
    <message>
        <source>Last 15 min</source>
        <translation>Últimos 15 min</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Última hora</translation>
    </message>
    <message>
        <source>Last 6 hours</source>
        <translation>Últimas 6 horas</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Últimas 24 horas</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Últimos 7 días</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Últimos 30 días</translation>
    </message>
    <message>
        <source>Live</source>
        <translation>En vivo</translation>
    </message>
    <message>
        <source>Reset zoom</source>
        <translation>Restablecer zoom</translation>
    </message>
    <message>
        <source>Follow the current time</source>
        <translation>Seguir la hora actual</translation>
    </message>
    <message>
        <source>Back to the selected range, following the current time</source>
        <translation>Volver al intervalo seleccionado, siguiendo la hora actual</translation>
    </message>
    <message>
        <source>Show or hide %1</source>
        <translation>Mostrar u ocultar %1</translation>
    </message>
    <message>
        <source>Loading telemetry…</source>
        <translation>Cargando telemetría…</translation>
    </message>
    <message>
        <source>No telemetry in this time range.</source>
        <translation>No hay telemetría en este intervalo de tiempo.</translation>
    </message>
    <message>
        <source>The server sent only part of this range; zoom in to see every point.</source>
        <translation>El servidor envió solo una parte de este intervalo; acerque el zoom para ver todos los puntos.</translation>
    </message>
    <message>
        <source>Could not load the history: %1</source>
        <translation>No se pudo cargar el historial: %1</translation>
    </message>
    <message>
        <source>The server sent history the console does not understand: %1</source>
        <translation>El servidor envió un historial que la consola no entiende: %1</translation>
    </message>
</context>
<context>
    <name>TwinView</name>
    <message>
        <source>&lt;b&gt;Desired&lt;/b&gt; (what the device should apply)</source>
        <translation>&lt;b&gt;Deseado&lt;/b&gt; (lo que el dispositivo debe aplicar)</translation>
    </message>
    <message>
        <source>&lt;b&gt;Reported&lt;/b&gt; (what the device says it runs)</source>
        <translation>&lt;b&gt;Notificado&lt;/b&gt; (lo que el dispositivo dice que ejecuta)</translation>
    </message>
    <message>
        <source>&lt;b&gt;Delta&lt;/b&gt; (desired values not reported yet)</source>
        <translation>&lt;b&gt;Delta&lt;/b&gt; (valores deseados aún no notificados)</translation>
    </message>
    <message>
        <source>&amp;Discard changes</source>
        <translation>&amp;Descartar cambios</translation>
    </message>
    <message>
        <source>&amp;Apply desired configuration</source>
        <translation>&amp;Aplicar configuración deseada</translation>
    </message>
    <message>
        <source>Re&amp;load</source>
        <translation>&amp;Recargar</translation>
    </message>
    <message>
        <source>Could not load the twin: %1</source>
        <translation>No se pudo cargar el gemelo: %1</translation>
    </message>
    <message>
        <source>(nothing reported yet)</source>
        <translation>(aún no se ha notificado nada)</translation>
    </message>
    <message>
        <source>No desired configuration set and nothing reported yet.</source>
        <translation>No hay configuración deseada y aún no se ha notificado nada.</translation>
    </message>
    <message>
        <source>In sync: the device applied version %1.</source>
        <translation>Sincronizado: el dispositivo aplicó la versión %1.</translation>
    </message>
    <message numerus="yes">
        <source>Not in sync: desired version %1, the device reported version %2; %n value(s) differ.</source>
        <translation>
            <numerusform>Sin sincronizar: versión deseada %1, el dispositivo notificó la versión %2; %n valor difiere.</numerusform>
            <numerusform>Sin sincronizar: versión deseada %1, el dispositivo notificó la versión %2; %n valores difieren.</numerusform>
        </translation>
    </message>
    <message>
        <source>Last report %1.</source>
        <translation>Último informe: %1.</translation>
    </message>
    <message>
        <source>Applying…</source>
        <translation>Aplicando…</translation>
    </message>
    <message>
        <source>Not applied: %1 Your edit is kept; reload to see the current version.</source>
        <translation>No aplicado: %1 Su cambio se conserva; recargue para ver la versión actual.</translation>
    </message>
    <message>
        <source>Not applied: %1</source>
        <translation>No aplicado: %1</translation>
    </message>
    <message>
        <source>Version %1 sent to the device.</source>
        <translation>Versión %1 enviada al dispositivo.</translation>
    </message>
</context>
</TS>
