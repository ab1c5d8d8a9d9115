// MARK: - Verification

extension DiagnosticID {
    public static let invalidVerifyConfig = DiagnosticID(rawValue: "invalid-verify-config")
    public static let invalidStepOptions = DiagnosticID(rawValue: "invalid-step-options")
    public static let unreadableResults = DiagnosticID(rawValue: "unreadable-results")

    static let verifyCatalog: [Entry] = [
        Entry(.invalidVerifyConfig, stage: "verify", .error, "`.fixlog.yml` beside the log is not valid YAML or a setting has the wrong type (exec, timeout, env)."),
        Entry(.invalidStepOptions, stage: "verify", .error, "A verification block's options (fence info string or `<!-- fixlog: … -->`) name an unknown option or an unreadable value; the step errors."),
        Entry(.unreadableResults, stage: "verify", .error, "A results file is not valid JSON, not a fixlog results file, or has a newer schemaVersion."),
    ]
}
