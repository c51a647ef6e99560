<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es">
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
</context>
<context>
    <name>OverviewTile</name>
    <message>
        <source>Show these devices in the table (filter: %1)</source>
        <translation>Mostrar estos dispositivos en la tabla (filtro: %1)</translation>
    </message>
</context>
</TS>
