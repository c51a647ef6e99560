#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

/// Short readable forms of a rule's parts, for the rule list and the editor's condition tree.
namespace RuleText {

/// "temp > 80 for 60 s", "outside 10…20 (level)", "no telemetry for 300 s", "all of 2"; compounds name only their kind
/// and size (their children have their own lines in the tree). Untranslated symbols and numbers, translated words.
QString condition(const QJsonObject &condition);
/// A whole tree on one line: "temp > 80 and (hum < 20 or offline 60 s)".
QString conditionTree(const QJsonObject &condition);
/// "whole organisation", "type pump · tags roof, hall-b · 3 devices".
QString scope(const QJsonObject &scope);

/// The metrics a condition tree reads, in order of first appearance.
QStringList metrics(const QJsonObject &condition);
/// The limits drawn as reference lines on a metric's chart: thresholds and aggregate limits (value), range bounds.
QList<double> limits(const QJsonObject &condition, const QString &metric);


} // namespace RuleText
