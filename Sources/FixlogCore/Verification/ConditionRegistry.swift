import Foundation

/// The truth of a condition attached to an expected output line.
public enum ConditionValue: String, Sendable, Hashable, Codable {
    case satisfied, unsatisfied
    /// fixlog does not know how to check this condition: the line is reported `unchecked`.
    case unknown
}

/// The small set of conditions fixlog can decide for lines like `True (if CUDA GPU available)`.
///
/// | condition (case-insensitive) | check |
/// |---|---|
/// | mentions `GPU`, `CUDA` or `NVIDIA` | `nvidia-smi -L` exits 0 |
/// | `if X installed`, `if X is available`, `with X`, `X on PATH` | command `X` is on PATH |
/// | `on Linux`, `on macOS`/`Darwin`, `on Windows`, `Linux only` | the operating system fixlog runs on |
///
/// Anything else is `unknown`. Probing is done by ``ConditionRegistry/evaluate(_:)`` through injected
/// functions, so the registry itself runs no process and decides the same way in tests.
public struct ConditionRegistry: Sendable {
    /// What a condition asks about.
    public enum Check: Sendable, Hashable {
        case gpu
        case command(String)
        case operatingSystem(String)
    }

    /// Whether a command is on PATH.
    public var commandExists: @Sendable (String) -> Bool
    /// Whether a CUDA GPU is usable (`nvidia-smi -L` succeeds). Called at most once per registry use.
    public var gpuAvailable: @Sendable () async -> Bool
    /// The current OS name, lowercased: `linux`, `macos`, `windows`.
    public var operatingSystem: String

    public init(commandExists: @escaping @Sendable (String) -> Bool,
                gpuAvailable: @escaping @Sendable () async -> Bool,
                operatingSystem: String = ConditionRegistry.currentOperatingSystem) {
        self.commandExists = commandExists
        self.gpuAvailable = gpuAvailable
        self.operatingSystem = operatingSystem
    }

    /// The OS this binary was built for.
    public static var currentOperatingSystem: String {
        #if os(Linux)
        return "linux"
        #elseif os(macOS)
        return "macos"
        #elseif os(Windows)
        return "windows"
        #else
        return "unknown"
        #endif
    }

    /// Classifies a condition's text, or nil when it is not one fixlog knows.
    public static func check(for condition: String) -> Check? {
        var text = condition.lowercased().trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "()")))
        for prefix in ["if ", "only ", "when "] where text.hasPrefix(prefix) { text = String(text.dropFirst(prefix.count)) }
        let words = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "-" && $0 != "_" && $0 != "." }).map(String.init)
        if words.contains(where: { ["gpu", "gpus", "cuda", "nvidia"].contains($0) }) { return .gpu }
        let systems: [String: String] = ["linux": "linux", "macos": "macos", "mac": "macos", "darwin": "macos",
                                         "osx": "macos", "windows": "windows"]
        if words.count <= 3, let os = words.compactMap({ systems[$0] }).first,
           words.allSatisfy({ systems[$0] != nil || ["on", "only", "running", "os"].contains($0) }) {
            return .operatingSystem(os)
        }
        // `X installed`, `X is installed`, `X available`, `X is available`, `X on path`, `with X`.
        if words.count >= 2, words.first == "with", words.count == 2 { return .command(words[1]) }
        let tails: [[String]] = [["installed"], ["is", "installed"], ["available"], ["is", "available"], ["on", "path"], ["is", "on", "path"]]
        for tail in tails where words.count == tail.count + 1 && Array(words.suffix(tail.count)) == tail {
            return .command(words[0])
        }
        return nil
    }

    /// Decides `condition`.
    public func evaluate(_ condition: String) async -> ConditionValue {
        guard let check = Self.check(for: condition) else { return .unknown }
        switch check {
        case .gpu: return await gpuAvailable() ? .satisfied : .unsatisfied
        case .command(let name): return commandExists(name) ? .satisfied : .unsatisfied
        case .operatingSystem(let os): return os == operatingSystem ? .satisfied : .unsatisfied
        }
    }

    /// Decides every distinct condition in `conditions` once.
    public func evaluateAll(_ conditions: [String]) async -> [String: ConditionValue] {
        var out: [String: ConditionValue] = [:]
        var gpu: Bool?
        for condition in conditions where out[condition] == nil {
            if Self.check(for: condition) == .gpu {
                if gpu == nil { gpu = await gpuAvailable() }
                out[condition] = (gpu ?? false) ? .satisfied : .unsatisfied
            } else {
                out[condition] = await evaluate(condition)
            }
        }
        return out
    }
}
