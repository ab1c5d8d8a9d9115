// The fixlog side of `make bench` rows that must be timed inside one process (issue 7). Not a test.
//     fixlog-bench dockerfiles FILE...   parse every file with the BuildKit-exact parser (reading included)
//                                        and print the seconds spent, process start excluded
//     fixlog-bench json FILE [--skip-encodable]
//                                        ingest FILE once, then time only the JSON of `fixlog parse --format json`:
//                                        the Encodable path (JSONOutput.encodeUTF8), the direct writer on one thread
//                                        and in parallel (best of 3 each; the bytes are checked to be equal)
// The Python peer (bench/dockerfile_parse_bench.py) is timed the same way inside its interpreter.
import FixlogCore
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let clock = ContinuousClock()

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

if arguments.first == "json", arguments.count >= 2 {
    let log = FixLogIngester.load(path: arguments[1])
    let skipEncodable = arguments.contains("--skip-encodable")
    func best(_ body: () throws -> [UInt8]) rethrows -> (Double, [UInt8]) {
        var result: [UInt8] = []
        var fastest = Double.infinity
        for _ in 0..<3 {
            var bytes: [UInt8] = []
            let t = try clock.measure { bytes = try body() }
            fastest = min(fastest, seconds(t))
            result = bytes
        }
        return (fastest, result)
    }
    do {
        let (sequential, a) = try best { try ParseJSONWriter.encode(log, parallel: false) }
        let (parallel, b) = try best { try ParseJSONWriter.encode(log) }
        let (chunked, c) = try best { Array(try ParseJSONWriter.encodeChunks(log).joined()) }
        var line = "{\"incidents\": \(log.incidents.count), \"bytes\": \(a.count), \"directSequential\": \(sequential), "
        line += "\"directParallel\": \(parallel), \"directChunksJoined\": \(chunked)"
        var same = a == b && a == c
        if !skipEncodable {
            let (encodable, d) = try best { try JSONOutput.encodeUTF8(ParseDocumentV1(log)) }
            line += ", \"encodable\": \(encodable)"
            same = same && a == d
        }
        print(line + ", \"identical\": \(same)}")
        exit(same ? 0 : 1)
    } catch {
        FileHandle.standardError.write(Data("fixlog-bench: \(error)\n".utf8))
        exit(1)
    }
}

guard arguments.first == "dockerfiles", arguments.count > 1 else {
    FileHandle.standardError.write(Data("usage: fixlog-bench dockerfiles FILE... | fixlog-bench json FILE [--skip-encodable]\n".utf8))
    exit(2)
}
let files = Array(arguments.dropFirst())
var instructions = 0
var failures = 0
let elapsed = clock.measure {
    for file in files {
        let result = DockerfileParser.load(path: file)
        if let dockerfile = result.dockerfile { instructions += dockerfile.instructions.count } else { failures += 1 }
    }
}
print("{\"seconds\": \(seconds(elapsed)), \"files\": \(files.count), \"instructions\": \(instructions), \"failures\": \(failures)}")
