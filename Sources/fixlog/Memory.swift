#if canImport(Glibc)
import Glibc
#endif

/// Allocator settings for a short-lived process that builds large models on several threads.
enum Memory {
    /// glibc grows each thread's heap a page run at a time, one `mprotect` call per step: some 50,000 system
    /// calls for a 27 MB log. Growing by 32 MB at a time makes that a handful; pages never touched are never
    /// backed, so the resident size does not change. (`mallopt` is not in Swift's Glibc module: looked up.)
    static func tune() {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        let topPad: Int32 = -2  // M_TOP_PAD
        _ = mallopt(topPad, 32 << 20)
        #endif
    }
}
