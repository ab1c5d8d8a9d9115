#if canImport(Glibc)
import Glibc
#endif

/// Allocator settings for a short-lived process that builds large models on several threads.
enum Memory {
    /// Two glibc malloc settings, measured on the 27 MB benchmark log (`fixlog parse`):
    /// - fast bins off (`M_MXFAST` 0): cmark frees each parsed piece's tree node by node, and with fast bins
    ///   every later large request first consolidates those hundreds of thousands of small chunks — without
    ///   them parsing takes half the CPU time (1.1 s → 0.6 s; the whole command 2.15 s → 1.57 s);
    /// - heap growth in 32 MB steps (`M_TOP_PAD`) instead of a few pages per `mprotect`/`brk` call.
    /// Pages never touched are never backed, so the resident size does not change. (`mallopt` is not in
    /// Swift's Glibc module: it is looked up.)
    static func tune() {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let maximumFast: Int32 = 1  // M_MXFAST
        let topPad: Int32 = -2  // M_TOP_PAD
        _ = mallopt(maximumFast, 0)
        _ = mallopt(topPad, 32 << 20)
        #endif
    }
}
