/// A code block that documents a change to a Dockerfile (or another file), with what the log says
/// about where it lives.
public struct DocumentedChange: Sendable, Hashable, Codable {
    /// The nearest heading or bold label, e.g. "Builder Stage", "Step 1: Remove numpy wheels".
    public var label: String
    /// The target file as written in the log (`Dockerfile`, `backend/Dockerfile`), or nil when the log
    /// names none (then the Dockerfile beside the log is meant).
    public var file: String?
    /// A stage hint ("Builder Stage", "Runtime Stage", "builder").
    public var stage: String?
    /// The documented line reference, when the log gives one.
    public var lineRef: LineReference?
    /// A line reference that describes the state before the fix (`**Before** (lines 24-31)`,
    /// `# OLD (Line 70)`): it refers to an older version of the file and is not checked against the current one.
    public var previousLineRef: LineReference?
    /// The fence's language tag, or a guess from the content when the fence has none.
    public var language: String?
    public var languageGuessed: Bool
    /// The block's content exactly as written.
    public var code: String
    /// What role the block plays: the state after the fix, before it, or a diff of both.
    public var role: ChangeRole
    /// Edit annotations found in the code: `# OLD:`, `# NEW:`, `# REMOVED:`, `# <--- ADDED`, …
    public var annotations: [Annotation]
    /// Each line of `code` with the role the annotations give it.
    public var lines: [CodeLine]
    /// A `**Changed:** … \`A\` → \`B\`` statement attached to this change.
    public var replacement: Replacement?
    /// The fenced block (fences included).
    public var range: SourceRange
    /// Line number in the log of the first content line of the block.
    public var contentStartLine: Int

    public init(
        label: String, file: String?, stage: String?, lineRef: LineReference?, previousLineRef: LineReference? = nil,
        language: String?,
        languageGuessed: Bool = false, code: String, role: ChangeRole = .after, annotations: [Annotation] = [],
        lines: [CodeLine] = [], replacement: Replacement? = nil, range: SourceRange, contentStartLine: Int
    ) {
        self.label = label
        self.file = file
        self.stage = stage
        self.lineRef = lineRef
        self.previousLineRef = previousLineRef
        self.language = language
        self.languageGuessed = languageGuessed
        self.code = code
        self.role = role
        self.annotations = annotations
        self.lines = lines
        self.replacement = replacement
        self.range = range
        self.contentStartLine = contentStartLine
    }
}

public enum ChangeRole: String, Sendable, Hashable, Codable {
    /// The code as it should be now (the default).
    case after
    /// The code as it was before the fix (a `**Before:**` block): must no longer be there.
    case before
    /// A unified diff: `-` lines must be gone, `+` lines present.
    case diff
}

/// An author's edit annotation inside a code block.
public struct Annotation: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// `# OLD: …` / `# Before` / `# ❌ Wrong`: what follows (or the value) is the old state.
        case old
        /// `# NEW: …` / `# After` / `# ✅ Correct`: what follows (or the value) is the new state.
        case new
        /// `# REMOVED: …` followed by commented-out instructions.
        case removed
        /// A trailing marker such as `# <--- ADDED THIS LINE`.
        case added
        /// A trailing marker such as `# <--- CHANGED`.
        case changed
    }

    public var kind: Kind
    /// The annotation text after its marker (`nvidia/cuda:12.4.1-runtime-ubuntu22.04`, `PyTorch installation …`).
    public var text: String
    /// 1-based line within the code block.
    public var line: Int

    public init(kind: Kind, text: String, line: Int) {
        self.kind = kind
        self.text = text
        self.line = line
    }
}

/// One line of a change's code, with the role it plays.
public struct CodeLine: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable {
        /// Code that should be present (also unmarked code in an `after` block).
        case present
        /// Code that should be gone: commented-out under `# REMOVED:`, an `# OLD`/`# Before`/`# ❌` half, a `-` diff line.
        case absent
        /// A comment or an annotation line: carries no claim.
        case comment
        /// Blank.
        case blank
    }

    /// The line as written.
    public var text: String
    /// The line with its annotation markup removed: `# ` of a commented-out removed instruction, a diff
    /// sign, a trailing `# <--- ADDED` marker.
    public var content: String
    public var role: Role
    /// 1-based line within the code block.
    public var line: Int

    public init(text: String, content: String, role: Role, line: Int) {
        self.text = text
        self.content = content
        self.role = role
        self.line = line
    }
}

/// `**Changed:** Base image from \`A\` → \`B\``.
public struct Replacement: Sendable, Hashable, Codable {
    public var subject: String
    public var from: String
    public var to: String
    public var range: SourceRange
    public init(subject: String, from: String, to: String, range: SourceRange) {
        self.subject = subject
        self.from = from
        self.to = to
        self.range = range
    }
}

/// A reference from the log to lines of a file: `(lines 1-25)`, `(line 21)`, `Dockerfile:21`, `#L21-L25`.
public struct LineReference: Sendable, Hashable, Codable {
    public var first: Int
    public var last: Int
    /// The exact text of the reference in the log (`lines 1-25`, `line 21`, `Lines 36-43`, `L21-L25`).
    public var text: String
    /// Where that text is in the log (what `--fix` rewrites).
    public var range: SourceRange
    /// Where the reference was found.
    public var origin: Origin

    public enum Origin: String, Sendable, Hashable, Codable {
        case heading, field, label, codeComment, prose
    }

    public init(first: Int, last: Int, text: String, range: SourceRange, origin: Origin) {
        self.first = first
        self.last = last
        self.text = text
        self.range = range
        self.origin = origin
    }

    public var span: LineSpan { LineSpan(first: first, last: last) }
}
