// The fixlog side of `make bench` rows that must be timed inside one process (issue 7). Not a test.
//     fixlog-bench dockerfiles FILE...   parse every file with the BuildKit-exact parser (reading included)
//                                        and print the seconds spent, process start excluded
// The Python peer (bench/dockerfile_parse_bench.py) is timed the same way inside its interpreter.
import FixlogCore
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.first == "dockerfiles", arguments.count > 1 else {
    FileHandle.standardError.write(Data("usage: fixlog-bench dockerfiles FILE...\n".utf8))
    exit(2)
}
let files = Array(arguments.dropFirst())
let clock = ContinuousClock()
var instructions = 0
var failures = 0
let elapsed = clock.measure {
    for file in files {
        let result = DockerfileParser.load(path: file)
        if let dockerfile = result.dockerfile { instructions += dockerfile.instructions.count } else { failures += 1 }
    }
}
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("{\"seconds\": \(seconds), \"files\": \(files.count), \"instructions\": \(instructions), \"failures\": \(failures)}")
