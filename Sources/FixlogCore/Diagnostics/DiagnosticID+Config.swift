// MARK: - Configuration and CI

extension DiagnosticID {
    public static let invalidConfig = DiagnosticID(rawValue: "invalid-config")
    public static let unknownConfigKey = DiagnosticID(rawValue: "unknown-config-key")
    public static let unsupportedConfigVersion = DiagnosticID(rawValue: "unsupported-config-version")

    static let configCatalog: [Entry] = [
        Entry(.invalidConfig, stage: "config", .error, "`.fixlog.yml` is not valid YAML, is not a mapping, or a setting has the wrong type (see docs/config.md)."),
        Entry(.unknownConfigKey, stage: "config", .error, "`.fixlog.yml` names a setting fixlog does not know; the message suggests the nearest known one. Prefix other tools' keys with `x-`."),
        Entry(.unsupportedConfigVersion, stage: "config", .error, "`.fixlog.yml` declares a schema `version` newer than this fixlog reads; the message names the highest supported version."),
    ]
}
