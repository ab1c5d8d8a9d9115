import Foundation
import Testing
@testable import FixlogCore

/// `FastJSON` must print exactly what Foundation's `JSONEncoder` prints with fixlog's options.
@Suite struct FastJSONTests {
    static let logs = TestSupport.fixtureFiles(under: "", ext: "md").filter {
        !$0.hasSuffix("README.md") && !$0.hasSuffix("EXPECTED.md")
    }

    @Test(arguments: logs)
    func parseDocumentMatchesFoundation(_ path: String) throws {
        let log = FixLogIngester.ingest(SourceText(path: path, bytes: try TestSupport.read(path)))
        let document = ParseDocumentV1(log)
        let fast = try #require(FastJSON.encode(document), "the fast path must handle a parse document")
        #expect(fast + "\n" == (try JSONOutput.foundationEncode(document)))
        #expect(try JSONOutput.encodeUTF8(document) == Array(JSONOutput.foundationEncode(document).utf8))
    }

    struct Sample: Encodable {
        var text: String
        var empty: [Int] = []
        var emptyObject: [String: Int] = [:]
        var nested: [[String: [Bool?]]] = [["b": [true, nil, false]], [:]]
        var options: [String: String]
        var optional: String? = nil
        var number: Int = -42
        var big: UInt64 = .max
    }

    @Test func stringsAndKeysMatchFoundation() throws {
        var controls = ""
        for v in 0..<0x20 { controls.unicodeScalars.append(Unicode.Scalar(UInt8(v))) }
        let texts = [controls, "a/b\\c\"d", "é ✓ 漢字 😇 \u{7F} \u{2028}", "", "plain"]
        let keys: [[String]] = [
            ["b", "a", "C", "A10", "a2", "a10", "_x", "Zeta", "zeta", "ä", "key with space", "/slash", "k\"q"],
            ["lineRef", "lines", "lineref", "dateSource", "date", "x1", "x01", "X1"],
        ]
        for text in texts {
            for keySet in keys {
                var options: [String: String] = [:]
                for (i, k) in keySet.enumerated() { options[k] = "\(i)\(text)" }
                let sample = Sample(text: text, options: options)
                if let fast = FastJSON.encode(sample) {
                    #expect(fast + "\n" == (try JSONOutput.foundationEncode(sample)))
                }
                #expect(try JSONOutput.encode(sample) == JSONOutput.foundationEncode(sample))
            }
        }
    }

    @Test func floatingPointFallsBackToFoundation() throws {
        struct WithDouble: Encodable { var x = 1.5 }
        #expect(FastJSON.encode(WithDouble()) == nil)
        #expect(try JSONOutput.encode(WithDouble()) == JSONOutput.foundationEncode(WithDouble()))
    }
}
