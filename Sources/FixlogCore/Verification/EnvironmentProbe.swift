import Foundation

/// Finds out what a step ran on: the OS (from `/etc/os-release`, no process) and the versions of the
/// known tools a step uses (`podman --version`, probed once per run and only for steps that run).
public actor EnvironmentProbe {
    /// Tools whose `--version` is recorded when a step uses them.
    public static let knownTools: Set<String> = [
        "podman", "docker", "buildah", "python", "python3", "pip", "pip3", "node", "npm", "git", "make",
        "curl", "go", "cargo", "rustc", "swift", "kubectl", "helm", "java", "gcc", "cmake", "nvidia-smi",
    ]

    /// The OS name recorded in results (read once).
    public nonisolated let operatingSystem: String
    private var versions: [String: String] = [:]
    private let searchPath: String

    public init(searchPath: String) {
        self.searchPath = searchPath
        self.operatingSystem = Self.readOperatingSystem()
    }

    /// `PRETTY_NAME` of /etc/os-release, else `uname` system and release.
    public static func readOperatingSystem() -> String {
        if let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
                return line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            }
        }
        var info = utsname()
        uname(&info)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { raw in String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self) }
        }
        return "\(field(info.sysname)) \(field(info.release))"
    }

    /// The first line of `tool --version` for each known tool among `prerequisites` that is available.
    public func versions(for prerequisites: [Prerequisite]) async -> [String: String] {
        var out: [String: String] = [:]
        for p in prerequisites where p.isAvailable && Self.knownTools.contains(p.runAs) {
            if let v = versions[p.runAs] { out[p.runAs] = v; continue }
            guard let path = p.path else { continue }
            let runner = StepRunner(timeout: .seconds(10), grace: .milliseconds(200), outputLimit: 4096)
            let outcome = await runner.run(script: "exec \(VerificationPlan.quote(path)) --version", workingDirectory: "/",
                                           environment: ["PATH": searchPath, "LANG": "C"])
            let text = outcome.stdout.text.isEmpty ? outcome.stderr.text : outcome.stdout.text
            let first = text.split(separator: "\n").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? "unknown"
            versions[p.runAs] = first
            out[p.runAs] = first
        }
        return out
    }

    private var gpu: Bool?

    /// Whether `nvidia-smi -L` succeeds (probed once).
    public func gpuAvailable() async -> Bool {
        if let gpu { return gpu }
        let prereqs = Prerequisites(searchPath: searchPath)
        guard let path = prereqs.locate("nvidia-smi", directory: "/") else { gpu = false; return false }
        let runner = StepRunner(timeout: .seconds(20), grace: .milliseconds(200), outputLimit: 4096)
        let outcome = await runner.run(script: "exec \(VerificationPlan.quote(path)) -L", workingDirectory: "/",
                                       environment: ["PATH": searchPath, "LANG": "C"])
        let ok = outcome.ending == .finished && outcome.exitStatus == 0
        gpu = ok
        return ok
    }
}
