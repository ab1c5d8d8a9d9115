/// A documented verification: a script to run and the output the log expects from it.
public struct VerificationStep: Sendable, Hashable, Codable {
    /// The fence language (`bash`, `sh`, `console`, …).
    public var language: String?
    /// The script exactly as written in the block.
    public var script: String
    public var expectedOutput: [ExpectedLine]
    /// Options from the fence info string or an HTML comment right before the block
    /// (`timeout=30s`, `requires=podman`, `skip`, `exit=1`, `env=NAME`).
    public var options: [String: String]
    /// The label of the section or bold field above the block.
    public var label: String?
    /// The fenced block (fences included).
    public var range: SourceRange
    /// Line number in the log of the first content line of the block.
    public var contentStartLine: Int

    public init(
        language: String?, script: String, expectedOutput: [ExpectedLine], options: [String: String] = [:],
        label: String? = nil, range: SourceRange, contentStartLine: Int
    ) {
        self.language = language
        self.script = script
        self.expectedOutput = expectedOutput
        self.options = options
        self.label = label
        self.range = range
        self.contentStartLine = contentStartLine
    }
}

/// One expected output line. `True (if CUDA GPU available)` → text `True`, condition `if CUDA GPU available`.
public struct ExpectedLine: Sendable, Hashable, Codable {
    public var text: String
    public var condition: String?
    public var range: SourceRange?
    public init(text: String, condition: String? = nil, range: SourceRange? = nil) {
        self.text = text
        self.condition = condition
        self.range = range
    }
}
