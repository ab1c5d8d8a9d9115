import Dispatch
import Foundation

/// Parses a large Markdown file as independent runs of lines on all cores, giving exactly the tree one
/// cmark parse of the whole file gives.
///
/// CommonMark reads blocks line by line, and an ATX heading that starts in column 1 closes every open
/// container (a block quote needs `>`, a list item needs indentation; a heading is never a lazy
/// continuation). Only a fenced code block or an HTML block open at the top level can take such a line as
/// content. So a file can be cut just before a column-1 heading line, the pieces parsed on their own and
/// their top-level blocks concatenated — as long as:
///
/// - no piece ends inside a top-level fenced code block or HTML block (checked on each piece's tree after
///   parsing: an unclosed fence, or an HTML block running to the piece's last line, rejects the cut), and
/// - the file defines no link reference definitions (`[label]: /url` is global to the document; a
///   conservative scan for lines that could start one turns chunking off).
///
/// When either check fails the whole file is parsed in one piece. Line numbers of each piece are shifted
/// by the line the piece starts on; columns are unchanged because pieces start at line starts.
enum ChunkedParse {
    /// Files smaller than this are parsed in one piece (threads would cost more than they save).
    static let minimumSize = 256 * 1024

    /// The result: the tree, whether nesting was flattened, and how many pieces were parsed (1 = serial).
    struct Result {
        var root: MarkdownNode
        var flattened: Bool
        var pieces: Int
    }

    /// Parses `source` in up to `pieces` runs of lines (by default a few per core when the file is large).
    static func parse(_ source: SourceText, pieces requested: Int? = nil) -> Result {
        let bytes = source.bytes
        let wanted = requested ?? (bytes.count < minimumSize ? 1 : max(1, ProcessInfo.processInfo.activeProcessorCount) * 4)
        guard wanted > 1, let cuts = cutLines(source, pieces: wanted), cuts.count > 1 else {
            return serial(source)
        }
        // Piece k covers lines cuts[k] ..< cuts[k + 1] (1-based; the last runs to the end of the file).
        let count = cuts.count
        // The pieces' trees are the only owners of their blocks (nothing else keeps a copy of them), so that the
        // join below moves the blocks rather than copying them.
        var parts = Parallel.map(Array(0..<count), minimumCount: 2) { k -> (MarkdownNode, Bool) in
            let firstLine = cuts[k]
            let start = source.lineStarts[firstLine - 1]
            let end = k + 1 < count ? source.lineStarts[cuts[k + 1] - 1] : bytes.count
            return bytes.withUnsafeBufferPointer { buffer in
                CMarkConverter.parse(UnsafeBufferPointer(rebasing: buffer[start..<end]), lineOffset: firstLine - 1,
                                     fences: source)
            }
        }
        var flattened = false
        for k in 0..<count {
            let (root, flat) = parts[k]
            flattened = flattened || flat
            if k + 1 < count, !endsClosed(root, lastLine: cuts[k + 1] - 1, source: source) {
                return serial(source)
            }
            if k > 0, root.children.first?.kind != .heading || root.children.first?.range?.start.line != cuts[k] {
                return serial(source)
            }
        }
        var root = MarkdownNode(kind: .document)
        if let first = parts.first?.0.range, let last = parts.last?.0.range {
            root.range = SourceRange(start: first.start, end: last.end)
        }
        // Join the pieces' blocks, moved (not copied: a copy retains, and the piece's release releases).
        var pieceBlocks: [[MarkdownNode]] = (0..<count).map { k in
            var piece = MarkdownNode(kind: .document)
            swap(&piece, &parts[k].0)
            return piece.children
        }
        root.children = MarkdownNode.joinMoving(&pieceBlocks)
        return Result(root: root, flattened: flattened, pieces: count)
    }

    static func serial(_ source: SourceText) -> Result {
        let (root, flattened) = CMarkConverter.parse(source.bytes, fences: source)
        return Result(root: root, flattened: flattened, pieces: 1)
    }

    /// Whether a piece ending at `lastLine` left no fenced code block, HTML block or setext heading open. At
    /// the top level an open fence or HTML block would take the next line as content; anywhere, cmark ends an
    /// open fence or setext heading that a later line closes on that later line, not at the end of the piece.
    static func endsClosed(_ root: MarkdownNode, lastLine: Int, source: SourceText) -> Bool {
        var node = root
        while let last = node.children.last {
            guard last.kind.isBlock, let range = last.range else { return true }
            switch last.kind {
            case .htmlBlock:
                // HTML blocks of kinds 6 and 7 end before a blank line; one reaching the last line may still be open.
                return range.end.line < lastLine
            case .codeBlock:
                // Indented code cannot take an unindented line. A fenced block is closed when its lines are
                // its content lines plus the two fences (an open one runs to the end of the piece without
                // a closing fence).
                guard last.isFenced else { return true }
                let contentLines = (last.literal ?? "").utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                return range.end.line - range.start.line + 1 == contentLines + 2
            case .heading:
                // A setext heading is finalised by the line after its underline and ends there in cmark's
                // positions; at the end of a piece it ends on the underline instead.
                return range.end.line == range.start.line
            default:
                node = last
            }
        }
        return true
    }

    /// Lines (1-based) where pieces start: line 1, then column-1 ATX heading lines spread evenly by bytes.
    /// Nil when the file may hold link reference definitions.
    static func cutLines(_ source: SourceText, pieces: Int) -> [Int]? {
        let bytes = source.bytes
        let starts = source.lineStarts
        let target = max(1, bytes.count / pieces)
        var cuts = [1]
        var nextCut = target
        var fence: (char: UInt8, count: Int)?
        return bytes.withUnsafeBufferPointer { b -> [Int]? in
            for (index, start) in starts.enumerated() {
                let end = index + 1 < starts.count ? starts[index + 1] : b.count
                var i = start
                while i < end, b[i] == 0x20 { i += 1 }
                guard i < end else { continue }
                let first = b[i]
                // Fences (tracked loosely, to avoid cutting inside code; the tree check is what guarantees it).
                if (first == UInt8(ascii: "`") || first == UInt8(ascii: "~")) && i - start < 4 {
                    var j = i
                    while j < end, b[j] == first { j += 1 }
                    if j - i >= 3 {
                        if let f = fence {
                            if f.char == first, j - i >= f.count { fence = nil }
                        } else {
                            fence = (first, j - i)
                        }
                    }
                }
                // Every line, fenced or not: the fence tracking here is only a guess.
                if mayDefineLink(b, from: i, end: end) { return nil }
                guard fence == nil, start >= nextCut, i == start, first == UInt8(ascii: "#"), isATXHeading(b, at: start, end: end)
                else { continue }
                cuts.append(index + 1)
                nextCut = start + target
            }
            return cuts
        }
    }

    static func isATXHeading(_ b: UnsafeBufferPointer<UInt8>, at start: Int, end: Int) -> Bool {
        var j = start
        while j < end, b[j] == UInt8(ascii: "#") { j += 1 }
        let level = j - start
        guard level >= 1, level <= 6 else { return false }
        return j == end || b[j] == 0x20 || b[j] == 0x09 || b[j] == 0x0A || b[j] == 0x0D
    }

    /// Whether a line (from its first non-space byte) could begin a link reference definition: after block
    /// quote and list markers, a `[` whose label (at most 999 bytes, no unescaped `[`, no blank line, possibly
    /// going on over the next lines) closes with `]:`.
    static func mayDefineLink(_ b: UnsafeBufferPointer<UInt8>, from: Int, end: Int) -> Bool {
        var i = from
        // Skip container markers: `>`, bullets, ordered markers, and the spaces between them.
        while i < end {
            let c = b[i]
            if c == 0x20 || c == 0x09 || c == UInt8(ascii: ">") || c == UInt8(ascii: "-") || c == UInt8(ascii: "+")
                || c == UInt8(ascii: "*")
            {
                i += 1
            } else if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
                var j = i
                while j < end, b[j] >= UInt8(ascii: "0"), b[j] <= UInt8(ascii: "9") { j += 1 }
                guard j < end, b[j] == UInt8(ascii: ".") || b[j] == UInt8(ascii: ")") else { return false }
                i = j + 1
            } else {
                break
            }
        }
        guard i < end, b[i] == UInt8(ascii: "[") else { return false }
        var j = i + 1
        var escaped = false
        var lineHasText = true
        let limit = min(b.count, i + 1 + 1000)
        while j < limit {
            let c = b[j]
            if escaped {
                escaped = false
            } else if c == UInt8(ascii: "\\") {
                escaped = true
            } else if c == UInt8(ascii: "]") {
                return j + 1 < b.count && b[j + 1] == UInt8(ascii: ":")
            } else if c == UInt8(ascii: "[") {
                return false
            } else if c == 0x0A {
                if !lineHasText && j > i + 1 { return false }  // a blank line ends the paragraph
                lineHasText = false
            } else if c != 0x20 && c != 0x09 && c != 0x0D {
                lineHasText = true
            }
            j += 1
        }
        return false  // longer than any label
    }
}

// MARK: - Parsing an edited copy again

extension ChunkedParse {
    /// Whether any line of `source` could begin a link reference definition (then no cut is safe).
    static func mayDefineAnyLink(_ source: SourceText, lines: some Sequence<Int>) -> Bool {
        source.bytes.withUnsafeBufferPointer { b in
            lines.contains { line in
                guard line >= 1, line <= source.lineStarts.count else { return false }
                let range = source.lineByteRange(line)
                var i = range.lowerBound
                while i < range.upperBound, b[i] == 0x20 { i += 1 }
                return i < range.upperBound && mayDefineLink(b, from: i, end: range.upperBound)
            }
        }
    }

    /// The edited lines and the lines before each whose link label (up to 1,000 bytes, over line ends) could
    /// run into it: an edit can complete a definition that an unedited line begins. In order, each once.
    static func linesReaching(_ edited: Set<Int>, in source: SourceText) -> [Int] {
        var lines: [Int] = []
        var covered = 0  // lines 1...covered are already listed
        for line in edited.sorted() where line >= 1 && line <= source.lineStarts.count {
            let start = source.lineStarts[line - 1]
            var earlier = line
            // Line `earlier - 1` ends where line `earlier` starts.
            while earlier > 1, earlier - 1 > covered, source.lineStarts[earlier - 1] > start - 1002 { earlier -= 1 }
            for l in max(earlier, covered + 1)...line { lines.append(l) }
            covered = max(covered, line)
        }
        return lines
    }

    /// What an earlier reading knows of the previous tree, to spare ``reparse(_:previous:previousMayDefineLinks:edited:known:)``
    /// a walk over all its blocks.
    struct Known {
        /// The start line of every top-level block.
        var blockStartLines: [Int]
        /// The start of every top-level heading.
        var headingStarts: [SourceLocation]
    }

    /// A tree built from a previous one by ``reparse(_:previous:previousMayDefineLinks:edited:known:)``.
    struct Reparsed {
        var root: MarkdownNode
        /// The lines of the runs parsed again, in order; every top-level block outside them is the previous
        /// tree's own block.
        var runs: [ClosedRange<Int>]
        /// What is left of the previous tree (the old blocks of the runs parsed again), to be let go.
        var leftover: [MarkdownNode]
    }

    /// The tree of `source`, a copy of the text `previous` was parsed from with only the lines in `edited`
    /// changed (same number of lines), built from `previous` by parsing again only the runs of lines that hold
    /// an edit. Runs are cut before the top-level ATX headings in column 1 of `previous`; each new run is
    /// checked as ``parse(_:pieces:)`` checks its pieces, and nil is returned (parse the whole text instead)
    /// whenever a check fails, the text may define link references, or `previous` was flattened.
    ///
    /// The blocks of unedited runs are moved out of `previous` into the new tree: when the caller hands over
    /// the only reference to it, no block is copied (a copy retains each of a node's references).
    static func reparse(_ source: SourceText, previous: consuming MarkdownDocument, previousMayDefineLinks: Bool,
                        edited: Set<Int>, known: Known? = nil) -> Reparsed? {
        guard !previous.flattened, !previousMayDefineLinks, source.lineStarts.count == previous.source.lineStarts.count,
            !mayDefineAnyLink(source, lines: linesReaching(edited, in: source))
        else { return nil }
        var old: [MarkdownNode] = []
        swap(&old, &previous.root.children)
        let lineCount = source.lineStarts.count
        // Start line of every old block, and start of every old heading (read in place: copying a node retains
        // its references), unless an earlier reading knows them.
        let oldStarts: [Int]
        let headingStarts: [SourceLocation]
        if let known, known.blockStartLines.count == old.count {
            oldStarts = known.blockStartLines
            headingStarts = known.headingStarts
        } else {
            oldStarts = old.withUnsafeBufferPointer { b in b.indices.map { b[$0].range?.start.line ?? 0 } }
            headingStarts = old.withUnsafeBufferPointer { b in
                b.indices.compactMap { b[$0].kind == .heading ? b[$0].range?.start : nil }
            }
        }
        // Cut lines: where a top-level ATX heading starts in column 1 (line 1 always starts a run).
        var cutLines = [1]
        previous.source.bytes.withUnsafeBufferPointer { b in
            for start in headingStarts {
                guard start.column == 1, start.line > 1, start.line <= lineCount else { continue }
                let range = previous.source.lineByteRange(start.line)
                if b[range.lowerBound] == UInt8(ascii: "#"), isATXHeading(b, at: range.lowerBound, end: range.upperBound),
                    start.line > cutLines[cutLines.count - 1]
                {
                    cutLines.append(start.line)
                }
            }
        }
        let cuts = cutLines
        // Runs with an edit: their index. A run whose cut line is edited takes the run before it along: a block
        // the cut line closed (a fence left open in a list item) ends on that line, so its position depends on
        // the line's text.
        var runs = Set<Int>()
        for line in edited where line >= 1 && line <= lineCount {
            var lo = 0, hi = cuts.count  // last cut <= line
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if cuts[mid] <= line { lo = mid } else { hi = mid }
            }
            runs.insert(lo)
            if cuts[lo] == line, lo > 0 { runs.insert(lo - 1) }
        }
        let editedRuns = runs.sorted()
        guard !editedRuns.isEmpty else {
            swap(&old, &previous.root.children)
            return Reparsed(root: previous.root, runs: [], leftover: [])
        }
        // Parse the edited runs again (on all cores when there are many).
        var parsed = Parallel.map(editedRuns, minimumCount: 64) { k -> MarkdownNode? in
            let firstLine = cuts[k]
            let lastLine = k + 1 < cuts.count ? cuts[k + 1] - 1 : lineCount
            let start = source.lineStarts[firstLine - 1]
            let end = k + 1 < cuts.count ? source.lineStarts[cuts[k + 1] - 1] : source.bytes.count
            let (root, flattened) = source.bytes.withUnsafeBufferPointer { buffer in
                CMarkConverter.parse(UnsafeBufferPointer(rebasing: buffer[start..<end]), lineOffset: firstLine - 1,
                                     fences: source)
            }
            guard !flattened else { return nil }
            if k + 1 < cuts.count, !endsClosed(root, lastLine: lastLine, source: source) { return nil }
            if k > 0, root.children.first?.kind != .heading || root.children.first?.range?.start.line != firstLine {
                return nil
            }
            return root
        }
        var replacement: [Int: Int] = [:]  // run -> index into parsed
        for (n, (k, root)) in zip(editedRuns, parsed).enumerated() {
            guard root != nil else { return nil }
            replacement[k] = n
        }
        // Taken out of `parsed` (not copied), so that each run's blocks have one owner and move below.
        var newRoots = parsed.indices.map { parsed[$0].take() ?? MarkdownNode(kind: .document) }
        // The document ends where its last run ends (as the pieces of a parse join).
        let end = replacement[cuts.count - 1].flatMap { newRoots[$0].range?.end } ?? previous.root.range?.end
        // Old blocks of unedited runs, new blocks of edited ones, in order.
        enum Segment { case old(Range<Int>), new(Int) }
        var segments: [Segment] = []
        var total = 0
        var run = 0
        var i = 0
        while i < old.count {
            while run + 1 < cuts.count, cuts[run + 1] <= oldStarts[i] { run += 1 }
            // The old blocks of this run: [i, j).
            let next = run + 1 < cuts.count ? cuts[run + 1] : Int.max
            var j = i
            while j < old.count, oldStarts[j] < next { j += 1 }
            if let n = replacement.removeValue(forKey: run) {
                segments.append(.new(n))
                total += newRoots[n].children.count
            } else {
                segments.append(.old(i..<max(j, i + 1)))
                total += max(j, i + 1) - i
            }
            i = max(j, i + 1)
        }
        // An edited run that had no old block (only blank lines) has no place in the order: refuse.
        guard replacement.isEmpty else { return nil }
        // Moved, not copied (a copy retains each of a node's references): each node is moved out and an empty
        // one left in its place.
        func move(from source: inout [MarkdownNode], _ range: Range<Int>, to destination: UnsafeMutablePointer<MarkdownNode>) {
            source.withUnsafeMutableBufferPointer { b in
                guard let from = b.baseAddress else { return }
                for (n, k) in range.enumerated() {
                    (destination + n).initialize(to: (from + k).move())
                    (from + k).initialize(to: MarkdownNode(kind: .document))
                }
            }
        }
        let children = [MarkdownNode](unsafeUninitializedCapacity: total) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            for segment in segments {
                switch segment {
                case .old(let r):
                    move(from: &old, r, to: base + initialized)
                    initialized += r.count
                case .new(let n):
                    let count = newRoots[n].children.count
                    move(from: &newRoots[n].children, 0..<count, to: base + initialized)
                    initialized += count
                }
            }
        }
        let reparsedRuns = editedRuns.map { k in cuts[k]...(k + 1 < cuts.count ? cuts[k + 1] - 1 : lineCount) }
        var root = previous.root
        root.children = children
        if let start = root.range?.start, let end { root.range = SourceRange(start: start, end: end) }
        return Reparsed(root: root, runs: reparsedRuns, leftover: old)
    }
}
