// MARK: - Regenerate

extension DiagnosticID {
    public static let managedBlockEdited = DiagnosticID(rawValue: "managed-block-edited")
    public static let managedBlockUnterminated = DiagnosticID(rawValue: "managed-block-unterminated")
    public static let regenerateWriteFailed = DiagnosticID(rawValue: "regenerate-write-failed")
    public static let logOutOfDate = DiagnosticID(rawValue: "log-out-of-date")
    public static let statusBlockSkipped = DiagnosticID(rawValue: "status-block-skipped")
    public static let templateMissing = DiagnosticID(rawValue: "template-missing")
    public static let templateInvalid = DiagnosticID(rawValue: "template-invalid")
    public static let newRecordDate = DiagnosticID(rawValue: "new-record-date")

    static let regenerateCatalog: [Entry] = [
        Entry(.managedBlockEdited, stage: "regenerate", .error, "A `fixlog:status` or `fixlog:summary` block no longer matches the checksum in its marker: it was edited by hand. `fixlog regenerate` refuses to overwrite it unless `--force` is given."),
        Entry(.managedBlockUnterminated, stage: "regenerate", .error, "A `<!-- fixlog:status … -->` or `<!-- fixlog:summary … -->` marker has no closing `<!-- /fixlog:… -->` marker, so fixlog cannot tell what it manages; nothing is written."),
        Entry(.regenerateWriteFailed, stage: "regenerate", .error, "The regenerated (or rendered, or extended) log could not be written; the original is left untouched."),
        Entry(.logOutOfDate, stage: "regenerate", .error, "`fixlog regenerate --check`: the log differs from what regeneration would write (a unified diff follows)."),
        Entry(.statusBlockSkipped, stage: "regenerate", .note, "A record's heading is not a Markdown heading line (an item of a problem list, a single-document log's first line is not a heading), so no status block is placed under it."),
        Entry(.templateMissing, stage: "render", .error, "A template fixlog needs (`fixlog.md.mustache`, `record.md.mustache` or a partial) is not in the templates folder."),
        Entry(.templateInvalid, stage: "render", .error, "A template could not be parsed (unclosed section, bad tag); the message gives its line and column."),
        Entry(.newRecordDate, stage: "render", .error, "`fixlog new --date` is not a real calendar date in the form YYYY-MM-DD."),
    ]
}
