import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Atomic replacement of a file's contents, shared by `check --fix`, `regenerate`, `render` and `new`:
/// the bytes go to a temporary file in the same directory, are flushed with `fsync`, get the original's
/// permissions, and the temporary file is renamed over the target. A symbolic link is followed, so the
/// link stays a link and its target gets the new bytes. A failure at any point leaves the original intact.
public enum AtomicFile {
    /// A failed write, with a human-readable reason.
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Test hook: where to fail on purpose (simulates a crash or a full disk midway).
    public enum InjectedFailure: Sendable, Hashable {
        /// Fail after this many bytes went to the temporary file.
        case afterWriting(Int)
        /// Fail just before the rename.
        case beforeRename
    }

    /// Whether the regular file at `path` holds exactly `bytes` (false when it is missing or unreadable). Read in
    /// pieces and compared as it is read: a file of another size is not read at all, and no copy of a large file
    /// is made.
    public static func holds(_ bytes: [UInt8], at path: String) -> Bool {
        let fd = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) == bytes.count else { return false }
        var buffer = [UInt8](repeating: 0, count: min(bytes.count, 1 << 20) + 1)
        var offset = 0
        return bytes.withUnsafeBufferPointer { expected in
            buffer.withUnsafeMutableBufferPointer { chunk in
                while true {
                    let n = read(fd, chunk.baseAddress, chunk.count)
                    if n < 0 {
                        if errno == EINTR { continue }
                        return false
                    }
                    if n == 0 { return offset == expected.count }
                    guard offset + n <= expected.count, let e = expected.baseAddress, let c = chunk.baseAddress,
                        memcmp(e + offset, c, n) == 0
                    else { return false }
                    offset += n
                }
            }
        }
    }

    /// Replaces the contents of `path` with `bytes` atomically.
    /// - Parameter failure: for tests only: fail on purpose at that point (the temporary file is removed).
    public static func write(_ bytes: [UInt8], to path: String, injecting failure: InjectedFailure? = nil) throws {
        let url = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let temp = (directory as NSString).appendingPathComponent(".\(url.lastPathComponent).fixlog-\(UUID().uuidString).tmp")
        var mode: mode_t = 0o644
        var st = stat()
        if stat(path, &st) == 0 { mode = st.st_mode & 0o7777 }
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard fd >= 0 else { throw WriteError(description: "cannot create a temporary file in '\(directory)' (\(String(cString: strerror(errno))))") }
        var ok = false
        var closed = false
        defer {
            if !closed { close(fd) }
            if !ok { unlink(temp) }
        }
        var limit = bytes.count
        if case .afterWriting(let n)? = failure { limit = min(max(0, n), bytes.count) }
        var written = 0
        while written < limit {
            let n = bytes.withUnsafeBufferPointer { buf in
                sysWrite(fd, buf.baseAddress.map { $0 + written }, limit - written)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw WriteError(description: "write failed (\(String(cString: strerror(errno))))")
            }
            written += n
        }
        if case .afterWriting? = failure { throw WriteError(description: "write failed (injected failure after \(written) bytes)") }
        _ = fchmod(fd, mode)
        guard fsync(fd) == 0 else { throw WriteError(description: "fsync failed (\(String(cString: strerror(errno))))") }
        close(fd)
        closed = true
        if failure == .beforeRename { throw WriteError(description: "rename failed (injected failure)") }
        guard rename(temp, path) == 0 else { throw WriteError(description: "rename failed (\(String(cString: strerror(errno))))") }
        ok = true
        // Make the rename durable.
        let dfd = open(directory, O_RDONLY)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }

    private static func sysWrite(_ fd: Int32, _ buf: UnsafePointer<UInt8>?, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(fd, buf, count)
        #else
        Darwin.write(fd, buf, count)
        #endif
    }
}
