import Foundation

/// A copy of a large byte array with pieces replaced, written front to back into one buffer of the final size
/// (no zero fill, no growing). (Splitting the copy between the cores was measured on the 26 MB bench log: no
/// gain — the cost is the first touch of the new memory, which the kernel serialises.)
enum SplicedCopy {
    /// `bytes` with the byte ranges `ranges` (ascending, disjoint) replaced by `sizes[k]` bytes that `write(k, at)`
    /// writes at `at`.
    static func apply(_ bytes: [UInt8], ranges: [Range<Int>], sizes: [Int],
                      write: (Int, UnsafeMutablePointer<UInt8>) -> Void) -> [UInt8] {
        var total = bytes.count
        for k in ranges.indices { total += sizes[k] - ranges[k].count }
        return [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
            guard let out = buffer.baseAddress else { initialized = 0; return }
            bytes.withUnsafeBufferPointer { source in
                var at = out
                var copied = 0
                func copy(upTo end: Int) {
                    guard end > copied, let src = source.baseAddress else { return }
                    at.initialize(from: src + copied, count: end - copied)
                    at += end - copied
                }
                for k in ranges.indices {
                    copy(upTo: ranges[k].lowerBound)
                    write(k, at)
                    at += sizes[k]
                    copied = ranges[k].upperBound
                }
                copy(upTo: bytes.count)
            }
            initialized = total
        }
    }
}
