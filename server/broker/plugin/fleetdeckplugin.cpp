// Fleetdeck's mosquitto plugin (plugin API v5, mosquitto 2.0).
//
// What the stock acl_file cannot do:
//  - one rule for every device: a client whose certificate identity is a device id may only publish, subscribe
//    and receive under devices/{its id}/#; the server's own identity may touch everything;
//  - a block list that takes effect at once: the server sends "block <id>" / "unblock <id>" / "set\n<id>\n..." on
//    $CONTROL/fleetdeck/v1 and a blocked device is disconnected immediately and denied everything afterwards
//    (revoked certificates are also refused at the TLS handshake through the CRL);
//  - the block list survives broker restarts through the file the server keeps (plugin_opt_blocked_file).
#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>

#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <unordered_set>

namespace {

constexpr const char *kControlTopic = "$CONTROL/fleetdeck/v1";

struct PluginState
{
    mosquitto_plugin_id_t *id = nullptr;
    std::string serverIdentity = "fleetdeck-server";
    std::string blockedFile;
    std::unordered_set<std::string> blocked;
    // Blocked clients seen while a packet of theirs was being handled; kicked on the next tick, because kicking
    // from inside the ACL check would free the client under the broker's feet.
    std::unordered_set<std::string> pendingKick;
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
    if (payload.rfind("set", 0) == 0 && (payload.size() == 3 || payload[3] == '\n')) {
        // The whole list, one id per line, sent by the server whenever its link to us comes up: changes made
        // while the link was down (blocks and unblocks) arrive this way.
        std::unordered_set<std::string> next;
        size_t start = 4;
        while (start < payload.size()) {
            size_t end = payload.find('\n', start);
            if (end == std::string::npos)
                end = payload.size();
            if (end > start)
                next.insert(payload.substr(start, end - start));
            start = end + 1;
        }
        g_state.blocked = std::move(next);
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

int onTick(int, void *, void *)
{
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
