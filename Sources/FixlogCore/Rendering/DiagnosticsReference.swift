/// Renders `docs/diagnostics.md` from ``DiagnosticID/catalog`` (a test keeps the file in step).
public enum DiagnosticsReference {
    public static func markdown() -> String {
        var out = """
            <!-- Generated from DiagnosticID.catalog by `fixlog diagnostics --markdown`; do not edit. -->
            # Diagnostics

            Every finding fixlog reports has a stable id, printed in brackets:

            ```
            DOCKERFILE_FIXES.md:42:5: warning: [unreadable-line-reference] cannot read line reference 'lines 30-12': …
            ```

            Locations are `path:line:column`, 1-based, with the column counted in UTF-8 bytes. In JSON output
            each diagnostic is `{severity, id, message, file, range, notes}`. Errors make fixlog exit non-zero.
            Ids never change meaning; new ones are added over time.

            """
        var stages: [String] = []
        for e in DiagnosticID.catalog where !stages.contains(e.stage) { stages.append(e.stage) }
        for stage in stages {
            out += "\n## \(stage.prefix(1).uppercased() + stage.dropFirst())\n\n| id | severity | meaning |\n|---|---|---|\n"
            for e in DiagnosticID.catalog where e.stage == stage {
                out += "| `\(e.id.rawValue)` | \(e.severity.rawValue) | \(e.summary) |\n"
            }
        }
        return out
    }
}
