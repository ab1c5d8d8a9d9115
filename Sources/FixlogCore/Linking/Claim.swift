/// One checkable statement derived from a documented change: an instruction (or a base image) that must
/// be in the target Dockerfile, or must not be.
public struct Claim: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Must exist.
        case present
        /// Must not exist.
        case absent
    }

    /// Where in the log the claim comes from.
    public enum Origin: String, Sendable, Hashable, Codable {
        /// Code of the snippet (an `after` block, the `+` and context side of a diff).
        case snippet
        /// A commented-out instruction or another line the log marks as gone (`# REMOVED:`, `# OLD` half, `# ❌`).
        case removed
        /// A `**Before:**` block.
        case before
        /// The `-` side of a diff.
        case diff
        /// A `# OLD: <image>` annotation: no `FROM` of that image.
        case oldAnnotation
        /// The `A` (absent) or `B` (present) of a `**Changed:** … \`A\` → \`B\`` statement.
        case replacement
    }

    public var kind: Kind
    public var origin: Origin
    /// The instruction as documented (joined logical line), e.g. `RUN rm -f /wheels/numpy-*.whl`, or
    /// `FROM <image>` for a base-image claim.
    public var instruction: String
    /// The instruction exactly as the parser joined it from the log (layout kept), for reporting which
    /// normalisations a match needed.
    public var original: String
    /// Lower-case keyword (`run`, `from`).
    public var keyword: String
    /// The fully normalised text used for matching (see ``InstructionNormalizer``).
    public var key: String
    /// For base-image claims (`# OLD: image`, a replacement naming images): the normalised image. Any `FROM`
    /// of that image matches, whatever its stage name.
    public var image: String?
    /// The stage hint of the change.
    public var stageHint: String?
    /// Lines of the log the claim was read from.
    public var logLines: LineSpan
    /// The physical lines of the instruction in the snippet (annotation markup removed), for telling
    /// continuation-layout differences apart from white-space differences.
    public var physicalLines: [String]
    /// Comment lines right above the instruction in the snippet (annotations excluded), trimmed, top to bottom.
    public var leadingComments: [String]
    /// The snippet line carried an annotation marker (`# <--- ADDED`) that was removed before matching.
    public var hadAnnotationMarker: Bool

    public init(kind: Kind, origin: Origin, instruction: String, original: String? = nil, keyword: String, key: String, image: String? = nil,
                stageHint: String? = nil, logLines: LineSpan, physicalLines: [String]? = nil,
                leadingComments: [String] = [], hadAnnotationMarker: Bool = false) {
        self.kind = kind
        self.origin = origin
        self.instruction = instruction
        self.original = original ?? instruction
        self.keyword = keyword
        self.key = key
        self.image = image
        self.stageHint = stageHint
        self.logLines = logLines
        self.physicalLines = physicalLines ?? [original ?? instruction]
        self.leadingComments = leadingComments
        self.hadAnnotationMarker = hadAnnotationMarker
    }

    /// A claim about a base image rather than a whole `FROM` instruction.
    public var isImageClaim: Bool { key.isEmpty && image != nil }
}
