import ArgumentParser
import FixlogCore
import Foundation

/// `--config PATH`, shared by the commands that read `.fixlog.yml`.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Read settings from this file instead of the .fixlog.yml beside the log or at the repository root.",
        valueName: "path"))
    var config: String?

    /// Finds and reads the config (see `FixlogConfig.discover`). Problems are printed; errors exit 2.
    func load(logPath: String?, root: String?) throws -> FixlogConfig {
        let (config, diagnostics) = FixlogConfig.discover(configPath: self.config, logPath: logPath, root: root)
        Output.report(diagnostics)
        if diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode(2) }
        return config
    }
}

extension FixlogConfig {
    /// The logs a command works on: the ones named on the command line, else the config's, else
    /// `DOCKERFILE_FIXES.md` in the current directory. Config paths are resolved against the config's directory.
    func logs(named: [String]) -> [LogEntry] {
        if !named.isEmpty { return named.map { LogEntry(path: $0) } }
        if !logs.isEmpty { return logs.map { LogEntry(path: resolve($0.path), dockerfile: $0.dockerfile.map(resolve)) } }
        return [LogEntry(path: "DOCKERFILE_FIXES.md")]
    }

    /// The Dockerfile override for `entry`: the flag, else the entry's, else the config's top-level one.
    func dockerfile(flag: String?, entry: LogEntry?) -> String? {
        flag ?? entry?.dockerfile ?? dockerfile.map(resolve)
    }

    /// The root: the flag, else the config's.
    func root(flag: String?) -> String? {
        flag ?? root.map(resolve)
    }
}

/// Next-step hints printed after an error.
enum Hint {
    static let missingLog = "fixlog: hint: name the log (e.g. 'fixlog check docs/DOCKERFILE_FIXES.md'), list it under 'logs:' in .fixlog.yml, or run 'fixlog init' to start one"
}
