// MARK: - Check (cross-linking documented changes to Dockerfiles)

extension DiagnosticID {
    public static let pathOutsideRoot = DiagnosticID(rawValue: "path-outside-root")
    public static let dockerfileUnreadable = DiagnosticID(rawValue: "dockerfile-unreadable")
    public static let snippetNotDockerfile = DiagnosticID(rawValue: "snippet-not-dockerfile")
    public static let stageHintUnresolved = DiagnosticID(rawValue: "stage-hint-unresolved")
    public static let lineRefStale = DiagnosticID(rawValue: "line-ref-stale")
    public static let fixWriteFailed = DiagnosticID(rawValue: "fix-write-failed")

    static let checkCatalog: [Entry] = [
        Entry(.pathOutsideRoot, stage: "check", .error, "A change's target file resolves outside the repository root (after following symbolic links); fixlog refuses to read it."),
        Entry(.dockerfileUnreadable, stage: "check", .error, "A change's target Dockerfile could not be parsed, so none of the changes aimed at it can be checked."),
        Entry(.snippetNotDockerfile, stage: "check", .warning, "A documented change's code could not be read as Dockerfile instructions, or (as a note) it targets another kind of file or language; it makes no claims and is not checked."),
        Entry(.stageHintUnresolved, stage: "check", .note, "A change names a stage (\"Builder Stage\") that matches no stage of the Dockerfile; the whole file is searched."),
        Entry(.lineRefStale, stage: "check", .warning, "A line reference no longer covers the documented instructions; `fixlog check --fix` rewrites it."),
        Entry(.fixWriteFailed, stage: "check", .error, "`fixlog check --fix` could not write the corrected log; the original is left untouched."),
    ]
}
