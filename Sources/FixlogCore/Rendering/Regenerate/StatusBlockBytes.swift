import Crypto
import Foundation

/// ``StatusBlock/lines(incident:position:changes:steps:)`` and ``Regenerator/block(_:_:)`` written straight into
/// bytes: one block per record, its content hashed in place, without a `String` per line. Plain ASCII texts take
/// byte paths; anything else (non-ASCII labels, texts to shorten or escape, results-file steps) goes through the
/// `String` functions the plain path uses, so the bytes are the same (RegenerateBlocksFastPathTests compare both).
struct StatusBlockWriter {
    /// The content lines joined with LF (what the checksum covers).
    var content: [UInt8] = []
    /// Offsets in `content` of the LFs between lines.
    var breaks: [Int] = []
    /// Item ranges in `content` of the change summary (to list equal items once).
    var items: [Range<Int>] = []

    init() {
        content.reserveCapacity(1024)
        breaks.reserveCapacity(16)
        items.reserveCapacity(8)
    }

    /// The whole status block — opening marker, content, closing marker — with `nl` between lines and no line
    /// break after the closing marker. `changes` are indices into `results`, in report order.
    mutating func block<C: Collection<Int>>(
        documented: Int, changes: C, results: [ChangeResult], steps: [StepResult]?, nl: [UInt8]
    ) -> [UInt8] {
        content.removeAll(keepingCapacity: true)
        breaks.removeAll(keepingCapacity: true)
        // "" then "> **Changes:** …"
        newLine()
        append("> **Changes:** ")
        changeSummary(changes, results: results)
        for j in changes where results[j].status != .holds && results[j].status != .unchecked {
            newLine()
            append("> - ")
            changeDetail(results, j)
        }
        if documented != 0 || !(steps ?? []).isEmpty {
            newLine()
            append(">")
            newLine()
            append("> **Verification:** ")
            if steps == nil {
                appendDecimal(documented)
                append(documented == 1 ? " documented step, no results" : " documented steps, no results")
            } else {
                append(StatusBlock.verificationSummary(documented: documented, steps: steps))
            }
            for s in steps ?? [] {
                newLine()
                append("> - ")
                append(StatusBlock.stepLine(s))
            }
        }
        newLine()
        return Self.wrap(.status, content: content, breaks: breaks, nl: nl)
    }

    /// Opening marker (with the content's checksum), the content with `nl` at its line breaks, closing marker.
    static func wrap(_ kind: ManagedRegions.Kind, content: [UInt8], breaks: [Int], nl: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        let close = kind.closeMarker.utf8
        out.reserveCapacity(content.count + breaks.count * (nl.count - 1) + 64 + close.count + 2 * nl.count)
        out.append(contentsOf: "<!-- fixlog:".utf8)
        out.append(contentsOf: kind.rawValue.utf8)
        out.append(contentsOf: " sha256=".utf8)
        ManagedRegions.appendChecksum(of: content, to: &out)
        out.append(contentsOf: " -->".utf8)
        out.append(contentsOf: nl)
        if nl.count == 1 && nl[0] == 0x0A {
            out.append(contentsOf: content)
        } else {
            var copied = 0
            for b in breaks {
                out.append(contentsOf: content[copied..<b])
                out.append(contentsOf: nl)
                copied = b + 1
            }
            out.append(contentsOf: content[copied...])
        }
        out.append(contentsOf: nl)
        out.append(contentsOf: close)
        return out
    }

    // MARK: content

    mutating func newLine() {
        breaks.append(content.count)
        content.append(0x0A)
    }

    mutating func append(_ s: StaticString) {
        s.withUTF8Buffer { content.append(contentsOf: $0) }
    }

    mutating func append(_ s: String) {
        content.append(contentsOf: s.utf8)
    }

    mutating func appendDecimal(_ value: Int) {
        if value < 0 { append(String(value)); return }
        var digits = 1, power = 10
        while power <= value, digits < 19 { digits += 1; power &*= 10 }
        var v = value, i = content.count + digits
        content.append(contentsOf: repeatElement(0x30, count: digits))
        repeat {
            i -= 1
            content[i] = UInt8(truncatingIfNeeded: 0x30 + v % 10)
            v /= 10
        } while v > 0
    }

    /// ``StatusBlock/changeSummary(_:)``.
    mutating func changeSummary<C: Collection<Int>>(_ changes: C, results: [ChangeResult]) {
        if changes.isEmpty { append("no documented changes"); return }
        var checked = 0, holding = 0
        for j in changes {
            let status = results[j].status
            if status != .unchecked { checked += 1 }
            if status == .holds { holding += 1 }
        }
        let unchecked = changes.count - checked
        func note(_ w: inout StatusBlockWriter) {
            guard unchecked != 0 else { return }
            w.append(" (")
            w.appendDecimal(unchecked)
            w.append(" not checked: not Dockerfile code)")
        }
        if checked == 0 {
            append("no Dockerfile changes to check")
            note(&self)
            return
        }
        appendDecimal(holding)
        append(" of ")
        appendDecimal(checked)
        append(checked == 1 ? " documented change holds" : " documented changes hold")
        note(&self)
        append("; ")
        // Changes that read the same are listed once (at the first one's place).
        items.removeAll(keepingCapacity: true)
        for j in changes where results[j].status != .unchecked {
            let before = content.count
            if !items.isEmpty { append(", ") }
            let start = content.count
            name(results, j)
            content.append(0x20)
            append(StatusBlock.symbol(results[j].status))
            let item = start..<content.count
            let seen = items.contains { Self.sameText(content[$0], content[item]) }
            if seen {
                content.removeSubrange(before...)
            } else {
                items.append(item)
            }
        }
    }

    /// ``StatusBlock/name(_:)`` of `results[j]` (fields read in place: a copied result retains each of its references).
    mutating func name(_ results: [ChangeResult], _ j: Int) {
        let ref = results[j].suggestedLineRef ?? results[j].lineRef
        let change = results[j].change
        let done: Bool? = results[j].label.utf8.withContiguousStorageIfAvailable { label -> Bool in
            guard Self.isASCII(label) else { return false }
            // Trimmed of spaces and tabs (the only ASCII white space of `.whitespaces`), then of trailing colons.
            var lo = 0, hi = label.count
            while lo < hi, label[lo] == 0x20 || label[lo] == 0x09 { lo += 1 }
            while hi > lo, label[hi - 1] == 0x20 || label[hi - 1] == 0x09 { hi -= 1 }
            while hi > lo, label[hi - 1] == 0x3A { hi -= 1 }
            var refBytes: [UInt8]? = nil
            if let ref {
                guard let r = ref.utf8.withContiguousStorageIfAvailable({ Array($0) }), Self.isASCII(r) else { return false }
                refBytes = r
            }
            let start = content.count
            if hi > lo { content.append(contentsOf: label[lo..<hi]) } else { append("change "); appendDecimal(change + 1) }
            if let r = refBytes {
                content.append(0x20)
                if !r.isEmpty, r.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) { append("line ") }
                content.append(contentsOf: r)
            }
            // `inline`'s fast path: short, one line, no `<`, no space at either end.
            let text = content[start...]
            if text.count <= 200, !text.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0x3C }),
               text.first != 0x20, text.last != 0x20 {
                return true
            }
            content.removeSubrange(start...)
            return false
        }
        if done != true { append(StatusBlock.name(results[j])) }
    }

    /// ``StatusBlock/changeDetail(_:)``.
    mutating func changeDetail(_ results: [ChangeResult], _ j: Int) {
        name(results, j)
        append(": ")
        let status = results[j].status
        append(status.rawValue)
        switch status {
        case .moved:
            if let a = results[j].actualLines { append(" (now "); span(a); append(")") }
        case .superseded:
            if let s = results[j].supersededBy { append(" by "); append(StatusBlock.inline(s.display)) }
        case .changed, .missing, .violated:
            let claims = results[j].claims
            for k in claims.indices where claims[k].status == status {
                append(" — `")
                code(claims[k].instruction)
                append("`")
                if let a = claims[k].actualLines { append(" ("); span(a); append(")") }
                break
            }
        case .error:
            append(" — cannot check `")
            code(results[j].fileAsWritten ?? results[j].file ?? "Dockerfile")
            append("`")
            if !results[j].diagnostics.isEmpty { append(" ("); append(results[j].diagnostics[0].id.rawValue); append(")") }
        case .holds, .unchecked:
            break
        }
    }

    /// ``StatusBlock/span(_:)``.
    mutating func span(_ s: LineSpan) {
        if s.first == s.last {
            append("line ")
            appendDecimal(s.first)
        } else {
            append("lines ")
            appendDecimal(s.first)
            content.append(0x2D)
            appendDecimal(s.last)
        }
    }

    /// ``StatusBlock/code(_:)``.
    mutating func code(_ s: String) {
        let done: Bool? = s.utf8.withContiguousStorageIfAvailable { b -> Bool in
            guard b.count <= 120, Self.isASCII(b), b.first != 0x20, b.last != 0x20,
                  !b.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0x3C }) else { return false }
            for byte in b { content.append(byte == 0x60 ? 0x27 : byte) }
            return true
        }
        if done != true { append(StatusBlock.code(s)) }
    }

    /// Whether two items read the same as Swift strings (canonical equivalence, as the plain path's dictionary).
    static func sameText(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
        if a.elementsEqual(b) { return true }
        if !a.contains(where: { $0 >= 0x80 }) && !b.contains(where: { $0 >= 0x80 }) { return false }
        return String(decoding: a, as: UTF8.self) == String(decoding: b, as: UTF8.self)
    }

    static func isASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = b.count
        guard let base = b.baseAddress else { return true }
        while i + 8 <= n {
            if UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n {
            if base[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    static func isASCII(_ b: [UInt8]) -> Bool {
        b.withUnsafeBufferPointer { isASCII($0) }
    }
}

extension ManagedRegions {
    /// The 16 hex digits of ``checksum(ofLines:)`` for content already joined with LF.
    static func appendChecksum(of joined: [UInt8], to out: inout [UInt8]) {
        let digest = joined.withUnsafeBytes { SHA256.hash(data: $0) }
        let hex: StaticString = "0123456789abcdef"
        hex.withUTF8Buffer { hex in
            for byte in digest.prefix(checksumLength / 2) {
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
    }
}
