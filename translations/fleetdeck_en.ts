<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n s ago</source>
        <translation>
            <numerusform>%n s ago</numerusform>
            <numerusform>%n s ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n min ago</source>
        <translation>
            <numerusform>%n min ago</numerusform>
            <numerusform>%n min ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h ago</source>
        <translation>
            <numerusform>%n h ago</numerusform>
            <numerusform>%n h ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>No live link – refreshing every %n s</source>
        <translation>
            <numerusform>No live link – refreshing every %n s</numerusform>
            <numerusform>No live link – refreshing every %n s</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PoliciesModel</name>
    <message numerus="yes">
        <source>%n escalation step(s)</source>
        <translation>
            <numerusform>%n escalation step</numerusform>
            <numerusform>%n escalation steps</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PolicyInfo</name>
    <message numerus="yes">
        <source>%n rule(s)</source>
        <translation>
            <numerusform>%n rule</numerusform>
            <numerusform>%n rules</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RuleEditor</name>
    <message numerus="yes">
        <source>It would have fired %n time(s) on %1 (%2, %3 readings checked).</source>
        <translation>
            <numerusform>It would have fired once on %1 (%2, %3 readings checked).</numerusform>
            <numerusform>It would have fired %n times on %1 (%2, %3 readings checked).</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RuleText</name>
    <message numerus="yes">
        <source>all of %n</source>
        <translation>
            <numerusform>all of %n condition</numerusform>
            <numerusform>all of %n conditions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>any of %n</source>
        <translation>
            <numerusform>any of %n condition</numerusform>
            <numerusform>any of %n conditions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n device(s)</source>
        <translation>
            <numerusform>%n device</numerusform>
            <numerusform>%n devices</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RulesView</name>
    <message numerus="yes">
        <source>%n rule(s).</source>
        <translation>
            <numerusform>%n rule.</numerusform>
            <numerusform>%n rules.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TwinView</name>
    <message numerus="yes">
        <source>Not in sync: desired version %1, the device reported version %2; %n value(s) differ.</source>
        <translation>
            <numerusform>Not in sync: desired version %1, the device reported version %2; %n value differs.</numerusform>
            <numerusform>Not in sync: desired version %1, the device reported version %2; %n values differ.</numerusform>
        </translation>
    </message>
</context>
</TS>
