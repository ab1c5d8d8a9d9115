import Foundation
import Yams

/// The verification settings of a `.fixlog.yml` beside the log.
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

    /// Reads `.fixlog.yml` in `directory`. A missing file gives the defaults; a malformed one gives the
    /// defaults plus a diagnostic.
    public static func load(directory: String) -> (config: VerificationConfig, diagnostics: [Diagnostic]) {
        let path = (directory as NSString).appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: path) else { return (VerificationConfig(), []) }
        // Size-checked before reading (a huge or sparse file is refused, not read into memory).
        let loaded = SourceText.load(path: path, maximumSize: maximumSize)
        guard let source = loaded.text else {
            return (VerificationConfig(), loaded.diagnostics.isEmpty
                ? [Diagnostic.error(.fileUnreadable, "cannot read \(fileName)", file: path)] : loaded.diagnostics)
        }
        if !loaded.diagnostics.isEmpty { return (VerificationConfig(), loaded.diagnostics) }
        return parse(String(decoding: source.bytes, as: UTF8.self), path: path)
    }

    /// Parses the YAML text of a config file.
    public static func parse(_ text: String, path: String) -> (config: VerificationConfig, diagnostics: [Diagnostic]) {
        var config = VerificationConfig()
        var diagnostics: [Diagnostic] = []
        func problem(_ message: String) {
            diagnostics.append(Diagnostic.error(.invalidVerifyConfig, message, file: path))
        }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            problem("\(fileName) is not valid YAML: \(error)")
            return (config, diagnostics)
        }
        guard let mapping = node?.mapping else {
            if node != nil { problem("\(fileName) must be a mapping (key: value)") }
            return (config, diagnostics)
        }
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { continue }
            switch key {
            case "exec":
                if let b = value.bool { config.exec = b } else { problem("exec must be true or false") }
            case "timeout":
                if let s = value.string, let d = StepDuration(parsing: s) { config.timeout = d } else {
                    problem("timeout must be a duration such as 30s, 2m or 1h")
                }
            case "env":
                if let seq = value.sequence {
                    config.environmentNames = seq.compactMap(\.string)
                } else if let map = value.mapping {
                    for (k, v) in map { if let name = k.string { config.environmentValues[name] = v.string ?? "" } }
                } else if let s = value.string {
                    config.environmentNames = StepOptions.list(s)
                } else {
                    problem("env must be a list of names or a map of names to values")
                }
            default:
                break   // other tools' keys may share the file
            }
        }
        return (config, diagnostics)
    }
}
