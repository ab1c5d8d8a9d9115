import Foundation
import Testing

/// Golden files under `Tests/FixlogCoreTests/Linking/Goldens/`. A missing golden is written and the test
/// fails; `FIXLOG_RECORD=1` re-records every golden.
enum Golden {
    static let directory = TestLog.packageRoot + "/Tests/FixlogCoreTests/Linking/Goldens"

    static func assert(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let path = directory + "/" + name
        let record = ProcessInfo.processInfo.environment["FIXLOG_RECORD"] == "1"
        guard !record, let data = FileManager.default.contents(atPath: path) else {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: path, contents: Data(actual.utf8))
            if !record {
                Issue.record("recorded new golden '\(name)'; check it and run again", sourceLocation: sourceLocation)
            }
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        #expect(actual == expected, "golden '\(name)' differs (FIXLOG_RECORD=1 re-records)", sourceLocation: sourceLocation)
    }
}
