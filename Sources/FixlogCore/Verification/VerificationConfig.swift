import Foundation

/// The verification settings of a `.fixlog.yml` (a view of `FixlogConfig`: `exec`, `timeout`, `env`).
///
/// ```yaml
/// exec: true            # run steps without --allow-exec
/// timeout: 5m           # default step timeout
/// env:                  # extra variables passed to steps: names (value from fixlog's environment) …
///   - CONTAINERS_CONF
/// # … or a map of names to values:  env: {CONTAINERS_CONF: fixtures/containers/containers.conf}
/// ```
public struct VerificationConfig: Sendable, Hashable {
    /// `exec: true` allows running steps without `--allow-exec`.
    public var exec: Bool
    /// The default step timeout.
    public var timeout: StepDuration?
    /// Variable names to pass through from fixlog's environment.
    public var environmentNames: [String]
    /// Variables with values set by the config.
    public var environmentValues: [String: String]

    public init(exec: Bool = false, timeout: StepDuration? = nil, environmentNames: [String] = [],
                environmentValues: [String: String] = [:]) {
        self.exec = exec
        self.timeout = timeout
        self.environmentNames = environmentNames
        self.environmentValues = environmentValues
    }

    /// The config file's name.
    public static let fileName = ".fixlog.yml"
    /// Larger config files are refused without being read.
    public static let maximumSize = 1 << 20

    /// Reads `.fixlog.yml` in `directory` (the whole config, `FixlogConfig`, keeping its verification
    /// settings). A missing file gives the defaults; a malformed one gives the defaults plus diagnostics.
    public static func load(directory: String) -> (config: VerificationConfig, diagnostics: [Diagnostic]) {
        let path = (directory as NSString).appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: path) else { return (VerificationConfig(), []) }
        let (config, diagnostics) = FixlogConfig.load(path: path)
        return (diagnostics.contains { $0.severity == .error } ? VerificationConfig() : config.verification, diagnostics)
    }

    /// Parses the YAML text of a config file (see `FixlogConfig.parse`).
    public static func parse(_ text: String, path: String) -> (config: VerificationConfig, diagnostics: [Diagnostic]) {
        let (config, diagnostics) = FixlogConfig.parse(text, path: path)
        return (config.verification, diagnostics)
    }
}
