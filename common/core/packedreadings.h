#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QStringView>
#include <QtCore/QtEndian>
#include <cstring>
#include <limits>
#include <string_view>
#include <utility>

/// The readings of one telemetry message packed into one column (SQLite's raw table stores a row per message, not
/// per reading: one B-tree insert where there were as many as the message has metrics).
///
/// Per reading: an unsigned LEB128 varint of `metric_id << 1 | is_text`, then either the number as 8 bytes of IEEE 754
/// binary64, little-endian (booleans as 0/1), or a varint byte length and that many bytes of UTF-8.
namespace Fleetdeck::Packed {

inline void appendVarint(QByteArray &out, quint64 v)
{
    while (v >= 0x80) {
        out.append(char((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.append(char(v));
}

inline void appendNumber(QByteArray &out, int metricId, double value)
{
    appendVarint(out, quint64(metricId) << 1);
    quint64 bits;
    std::memcpy(&bits, &value, sizeof bits);
    bits = qToLittleEndian(bits);
    out.append(reinterpret_cast<const char *>(&bits), sizeof bits);
}

inline void appendText(QByteArray &out, int metricId, std::string_view utf8)
{
    appendVarint(out, quint64(metricId) << 1 | 1);
    appendVarint(out, quint64(utf8.size()));
    out.append(utf8.data(), qsizetype(utf8.size()));
}

inline void appendText(QByteArray &out, int metricId, QStringView text)
{
    const QByteArray utf8 = text.toUtf8();
    appendText(out, metricId, std::string_view(utf8.constData(), size_t(utf8.size())));
}

struct Reading
{
    int metricId = 0;
    bool isText = false;
    double value = 0;
    std::string_view text; ///< UTF-8, into the packed data
};

namespace detail {
inline bool readVarint(const unsigned char *&p, const unsigned char *end, quint64 &v)
{
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (p == end)
            return false;
        const unsigned char b = *p++;
        v |= quint64(b & 0x7f) << shift;
        if (!(b & 0x80))
            return true;
    }
    return false;
}
} // namespace detail

/// Calls f(const Reading &) for each reading in order. False (after the readings before it) when the data is cut
/// short or malformed.
template<typename F>
bool forEach(const void *data, qsizetype size, F &&f)
{
    const auto *p = static_cast<const unsigned char *>(data);
    const unsigned char *const end = p + size;
    while (p != end) {
        quint64 head;
        if (!detail::readVarint(p, end, head) || (head >> 1) > quint64(std::numeric_limits<int>::max()))
            return false;
        Reading r;
        r.metricId = int(head >> 1);
        r.isText = head & 1;
        if (r.isText) {
            quint64 len;
            if (!detail::readVarint(p, end, len) || len > quint64(end - p))
                return false;
            r.text = std::string_view(reinterpret_cast<const char *>(p), size_t(len));
            p += len;
        } else {
            if (end - p < 8)
                return false;
            quint64 bits;
            std::memcpy(&bits, p, sizeof bits);
            bits = qFromLittleEndian(bits);
            std::memcpy(&r.value, &bits, sizeof bits);
            p += 8;
        }
        f(std::as_const(r));
    }
    return true;
}

} // namespace Fleetdeck::Packed
