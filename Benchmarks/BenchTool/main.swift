// The fixlog side of `make bench` rows that must be timed inside one process (issue 7). Not a test.
//     fixlog-bench dockerfiles FILE...   parse every file with the BuildKit-exact parser (reading included)
//                                        and print the seconds spent, process start excluded
//     fixlog-bench json FILE [--skip-encodable]
//                                        ingest FILE once, then time only the JSON of `fixlog parse --format json`:
//                                        the direct writer streamed in pieces as the command does and into one array,
//                                        each on one thread and in parallel, and the Encodable path
//                                        (JSONOutput.encodeUTF8); best of 3 wall and process CPU seconds each; the
//                                        outputs are checked to be equal
// The Python peer (bench/dockerfile_parse_bench.py) is timed the same way inside its interpreter.
import FixlogCore
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
let clock = ContinuousClock()

func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// Seconds of CPU time used by the whole process so far (all threads).
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

if arguments.first == "json", arguments.count >= 2 {
    let log = FixLogIngester.load(path: arguments[1])
    let skipEncodable = arguments.contains("--skip-encodable")
    var rows: [String] = []
    var outputs: [[UInt8]] = []
    /// Runs `body` 3 times; records the fastest wall time and the smallest process CPU time (the CPU time does
    /// not count waiting for a core on a loaded machine).
    func time(_ name: String, _ body: () throws -> [UInt8]) rethrows {
        var wall = Double.infinity
        var cpu = Double.infinity
        var result: [UInt8] = []
        for _ in 0..<3 {
            let c0 = processCPUSeconds()
            let start = clock.now
            result = try body()
            let t = clock.now - start
            cpu = min(cpu, processCPUSeconds() - c0)
            wall = min(wall, seconds(t))
        }
        rows.append("\"\(name)\": {\"wall\": \(wall), \"cpu\": \(cpu)}")
        outputs.append(result)
    }
    do {
        // As `fixlog parse --format json` does, minus the writes to standard output: the pieces go to a sink
        // that counts them (checked against the arrays below).
        var streamedBytes: [Int] = []
        for parallel in [false, true] {
            try time(parallel ? "directStreamedParallel" : "directStreamedSequential") {
                var total = 0
                try ParseJSONWriter.write(log, parallel: parallel) { total += $0.count }
                streamedBytes.append(total)
                return []
            }
        }
        outputs.removeAll()
        try time("directArraySequential") { try ParseJSONWriter.encode(log, parallel: false) }
        try time("directArrayParallel") { try ParseJSONWriter.encode(log) }
        var pieces: [[UInt8]] = []
        try ParseJSONWriter.write(log) { pieces.append(Array($0)) }
        outputs.append(Array(pieces.joined()))
        if !skipEncodable { try time("encodable") { try JSONOutput.encodeUTF8(ParseDocumentV1(log)) } }
        let same = outputs.allSatisfy { $0 == outputs[0] } && streamedBytes.allSatisfy { $0 == outputs[0].count }
        print("{\"incidents\": \(log.incidents.count), \"bytes\": \(outputs[0].count), " + rows.joined(separator: ", ")
              + ", \"identical\": \(same)}")
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
