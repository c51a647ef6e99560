// Fleetdeck's mosquitto plugin (plugin API v5, mosquitto 2.0).
//
// What the stock acl_file cannot do:
//  - one rule for every device: a client whose certificate identity is a device id may only publish, subscribe
//    and receive under devices/{its id}/#; the server's own identity may touch everything;
//  - a block list that takes effect at once: the server sends "block <id>" / "unblock <id>" / "set\n<id>\n..." on
//    $CONTROL/fleetdeck/v1 and a blocked device is disconnected immediately and denied everything afterwards
//    (revoked certificates are also refused at the TLS handshake through the CRL);
//  - the block list survives broker restarts through the file the server keeps (plugin_opt_blocked_file);
//  - a device's message larger than the device protocol allows (plugin_opt_max_device_payload) is refused here,
//    before anyone receives it, and counted: counts per device go to the server's own session at most once a
//    second on kRejectsTopic as "oversize <id> <n>" lines. (Beyond max_packet_size the broker itself disconnects
//    the device before the message is read; that is in the broker's log only.)
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace {

constexpr const char *kControlTopic = "$CONTROL/fleetdeck/v1";
constexpr const char *kRejectsTopic = "fleetdeck/v1/broker/rejects";
/// Devices whose counts wait for the next report; beyond it, further offenders are only counted in `othersLost`.
constexpr size_t kMaxReportedDevices = 1000;

struct PluginState
{
    mosquitto_plugin_id_t *id = nullptr;
    std::string serverIdentity = "fleetdeck-server";
    std::string blockedFile;
    long maxDevicePayload = 0; ///< 0 = no limit of ours
    std::unordered_set<std::string> blocked;
    // Blocked clients seen while a packet of theirs was being handled; kicked on the next tick, because kicking
    // from inside the ACL check would free the client under the broker's feet.
    std::unordered_set<std::string> pendingKick;
    // The block list while the server sends it in parts ("set-begin", "set-part"..., "set-end"): kept under max_packet_size.
    std::unordered_set<std::string> incoming;
    std::unordered_map<std::string, long> oversize; ///< disconnects for an oversized packet since the last report
    long othersLost = 0;
    std::chrono::steady_clock::time_point lastReport;
};

PluginState g_state;

void loadBlocked()
{
    // Without a file (an external broker) the list lives only in memory and the server resends it.
    if (g_state.blockedFile.empty())
        return;
    g_state.blocked.clear();
    std::ifstream in(g_state.blockedFile);
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
            line.pop_back();
        if (!line.empty() && line[0] != '#')
            g_state.blocked.insert(line);
    }
    mosquitto_log_printf(MOSQ_LOG_INFO, "fleetdeck: %zu blocked device identities loaded", g_state.blocked.size());
}

void readOptions(mosquitto_opt *options, int count)
{
    for (int i = 0; i < count; ++i) {
        if (std::strcmp(options[i].key, "server_identity") == 0)
            g_state.serverIdentity = options[i].value;
        else if (std::strcmp(options[i].key, "blocked_file") == 0)
            g_state.blockedFile = options[i].value;
        else if (std::strcmp(options[i].key, "max_device_payload") == 0)
            g_state.maxDevicePayload = std::strtol(options[i].value, nullptr, 10);
    }
}

bool topicBelongsTo(std::string_view topic, std::string_view identity)
{
    // devices/{identity} or devices/{identity}/...
    constexpr std::string_view root = "devices/";
    if (topic.substr(0, root.size()) != root)
        return false;
    topic.remove_prefix(root.size());
    if (topic.substr(0, identity.size()) != identity)
        return false;
    topic.remove_prefix(identity.size());
    return topic.empty() || topic.front() == '/';
}

void countOversize(const std::string &identity)
{
    auto it = g_state.oversize.find(identity);
    if (it != g_state.oversize.end())
        ++it->second;
    else if (g_state.oversize.size() < kMaxReportedDevices)
        g_state.oversize.emplace(identity, 1);
    else
        ++g_state.othersLost;
}

int onAclCheck(int, void *event, void *)
{
    auto *ev = static_cast<mosquitto_evt_acl_check *>(event);
    const char *user = mosquitto_client_username(ev->client);
    if (!user)
        return MOSQ_ERR_ACL_DENIED;
    const std::string_view identity(user);
    if (identity == g_state.serverIdentity)
        return MOSQ_ERR_SUCCESS;
    if (g_state.blocked.count(std::string(identity))) {
        g_state.pendingKick.insert(std::string(identity));
        return MOSQ_ERR_ACL_DENIED;
    }
    if (ev->access == MOSQ_ACL_WRITE && g_state.maxDevicePayload > 0 && long(ev->payloadlen) > g_state.maxDevicePayload) {
        // Refused before it is queued for anyone: for QoS 1 the device still gets its PUBACK (MQTT 3.1.1 has no
        // refusal), and the server its count.
        countOversize(std::string(identity));
        mosquitto_log_printf(MOSQ_LOG_NOTICE, "fleetdeck: refused a message of %u bytes on '%s' from device %s (limit %ld)",
                             unsigned(ev->payloadlen), ev->topic ? ev->topic : "", user, g_state.maxDevicePayload);
        return MOSQ_ERR_ACL_DENIED;
    }
    if (ev->topic && topicBelongsTo(ev->topic, identity))
        return MOSQ_ERR_SUCCESS;
    if (ev->access == MOSQ_ACL_WRITE || ev->access == MOSQ_ACL_SUBSCRIBE)
        mosquitto_log_printf(MOSQ_LOG_NOTICE, "fleetdeck: denied %s on '%s' for device %s",
                             ev->access == MOSQ_ACL_WRITE ? "publish" : "subscribe", ev->topic ? ev->topic : "", user);
    return MOSQ_ERR_ACL_DENIED;
}

int onControl(int, void *event, void *)
{
    auto *ev = static_cast<mosquitto_evt_control *>(event);
    const char *user = mosquitto_client_username(ev->client);
    if (!user || g_state.serverIdentity != user)
        return MOSQ_ERR_ACL_DENIED;
    const std::string payload(static_cast<const char *>(ev->payload), ev->payloadlen);
    const std::string_view firstLine = std::string_view(payload).substr(0, payload.find('\n'));
    if (firstLine == "set" || firstLine == "set-begin" || firstLine == "set-part" || firstLine == "set-end") {
        // The whole list, one id per line, sent by the server whenever its link to us comes up: changes made
        // while the link was down (blocks and unblocks) arrive this way. A long list comes in parts, each under
        // max_packet_size, and takes effect with the last.
        if (firstLine == "set" || firstLine == "set-begin")
            g_state.incoming.clear();
        size_t start = firstLine.size() + 1;
        while (start < payload.size()) {
            size_t end = payload.find('\n', start);
            if (end == std::string::npos)
                end = payload.size();
            if (end > start)
                g_state.incoming.insert(payload.substr(start, end - start));
            start = end + 1;
        }
        if (firstLine == "set-begin" || firstLine == "set-part")
            return MOSQ_ERR_SUCCESS;
        g_state.blocked = std::move(g_state.incoming);
        g_state.incoming.clear();
        for (const std::string &device : g_state.blocked)
            mosquitto_kick_client_by_username(device.c_str(), false);
        mosquitto_log_printf(MOSQ_LOG_INFO, "fleetdeck: block list set, %zu devices", g_state.blocked.size());
        return MOSQ_ERR_SUCCESS;
    }
    const auto space = payload.find(' ');
    if (space == std::string::npos)
        return MOSQ_ERR_INVAL;
    const std::string verb = payload.substr(0, space);
    const std::string device = payload.substr(space + 1);
    if (verb == "block") {
        g_state.blocked.insert(device);
        const int rc = mosquitto_kick_client_by_username(device.c_str(), false);
        mosquitto_log_printf(MOSQ_LOG_NOTICE, "fleetdeck: blocked device %s (%s)", device.c_str(),
                             rc == MOSQ_ERR_SUCCESS ? "disconnected" : "not connected");
    } else if (verb == "unblock") {
        g_state.blocked.erase(device);
        mosquitto_log_printf(MOSQ_LOG_NOTICE, "fleetdeck: unblocked device %s", device.c_str());
    } else {
        return MOSQ_ERR_INVAL;
    }
    return MOSQ_ERR_SUCCESS;
}

void reportRejects()
{
    if (g_state.oversize.empty() && g_state.othersLost == 0)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (now - g_state.lastReport < std::chrono::seconds(1))
        return;
    g_state.lastReport = now;
    std::string report;
    for (const auto &[identity, count] : g_state.oversize)
        report += "oversize " + identity + " " + std::to_string(count) + "\n";
    if (g_state.othersLost > 0)
        report += "oversize * " + std::to_string(g_state.othersLost) + "\n";
    // To the server's session only (its client id is its identity); dropped if it is not connected just now.
    if (mosquitto_broker_publish_copy(g_state.serverIdentity.c_str(), kRejectsTopic, int(report.size()), report.data(), 1, false, nullptr) == MOSQ_ERR_SUCCESS) {
        g_state.oversize.clear();
        g_state.othersLost = 0;
    }
}

int onTick(int, void *, void *)
{
    reportRejects();
    if (g_state.pendingKick.empty())
        return MOSQ_ERR_SUCCESS;
    for (const std::string &device : g_state.pendingKick) {
        mosquitto_kick_client_by_username(device.c_str(), false);
        mosquitto_log_printf(MOSQ_LOG_NOTICE, "fleetdeck: disconnected blocked device %s", device.c_str());
    }
    g_state.pendingKick.clear();
    return MOSQ_ERR_SUCCESS;
}

int onReload(int, void *event, void *)
{
    auto *ev = static_cast<mosquitto_evt_reload *>(event);
    readOptions(ev->options, ev->option_count);
    loadBlocked();
    return MOSQ_ERR_SUCCESS;
}

} // namespace

extern "C" {

int mosquitto_plugin_version(int count, const int *versions)
{
    for (int i = 0; i < count; ++i)
        if (versions[i] == 5)
            return 5;
    return -1;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **, mosquitto_opt *options, int count)
{
    g_state.id = identifier;
    readOptions(options, count);
    loadBlocked();
    int rc = mosquitto_callback_register(identifier, MOSQ_EVT_ACL_CHECK, onAclCheck, nullptr, nullptr);
    if (rc == MOSQ_ERR_SUCCESS)
        rc = mosquitto_callback_register(identifier, MOSQ_EVT_CONTROL, onControl, kControlTopic, nullptr);
    if (rc == MOSQ_ERR_SUCCESS)
        rc = mosquitto_callback_register(identifier, MOSQ_EVT_RELOAD, onReload, nullptr, nullptr);
    if (rc == MOSQ_ERR_SUCCESS)
        rc = mosquitto_callback_register(identifier, MOSQ_EVT_TICK, onTick, nullptr, nullptr);
    return rc;
}

int mosquitto_plugin_cleanup(void *, mosquitto_opt *, int)
{
    mosquitto_callback_unregister(g_state.id, MOSQ_EVT_ACL_CHECK, onAclCheck, nullptr);
    mosquitto_callback_unregister(g_state.id, MOSQ_EVT_CONTROL, onControl, kControlTopic);
    mosquitto_callback_unregister(g_state.id, MOSQ_EVT_RELOAD, onReload, nullptr);
    mosquitto_callback_unregister(g_state.id, MOSQ_EVT_TICK, onTick, nullptr);
    return MOSQ_ERR_SUCCESS;
}

} // extern "C"
