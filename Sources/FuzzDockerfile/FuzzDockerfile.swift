import FixlogCore

#if canImport(Glibc)
import Glibc
#endif
#if FUZZING
import CFuzzerSupport
#endif

/// One fuzz input: checks `FuzzProperties.checkDockerfile` and aborts on a violation.
func fuzzOneDockerfile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    if let violation = FuzzProperties.checkDockerfile(bytes) {
        fatalError("property violated: \(violation)")
    }
    return 0
}

/// Built by `make fuzz` (-sanitize=fuzzer -DFUZZING): hands the command line to libFuzzer's driver.
/// Built by plain `swift build`: replays the files named on the command line and reports each.
@main
struct FuzzDockerfile {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzzOneDockerfile($0, $1) })
        #else
        exit(FuzzProperties.replay(Array(CommandLine.arguments.dropFirst()), check: FuzzProperties.checkDockerfile))
        #endif
    }
}
