#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// Standard output and standard error, written with `write(2)` so that every failure is seen:
/// a full disk (`>/dev/full`), a closed descriptor (`>&-`), an I/O error. `print` buffers and
/// drops such errors, and `FileHandle.write` traps on them.
public enum StandardStream: Int32, Sendable {
    case output = 1
    case error = 2

    public struct Failure: Error, CustomStringConvertible {
        public let stream: StandardStream
        public let reason: String

        public var description: String { "cannot write to \(stream.name): \(reason)" }
    }

    public var name: String { self == .output ? "standard output" : "standard error" }

    /// Streams that were closed when rekey started (see ``secureDescriptors()``).
    nonisolated(unsafe) private static var closedAtStart: Set<Int32> = []

    /// Call before anything else runs. A descriptor 0–2 that is closed is opened on /dev/null,
    /// so that no file rekey opens later (a source, a temporary file) can take its number and
    /// receive the report; writes to a stream that was closed still fail, as they would have.
    public static func secureDescriptors() {
        for descriptor: Int32 in 0...2 where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            let opened = open("/dev/null", O_RDWR)
            if opened >= 0 && opened != descriptor {
                dup2(opened, descriptor)
                close(opened)
            }
            closedAtStart.insert(descriptor)
        }
    }

    /// Writes all of `text`, retrying short writes and interruptions.
    public func write(_ text: String) throws(Failure) {
        guard !Self.closedAtStart.contains(rawValue) else {
            throw Failure(stream: self, reason: "it was closed when rekey started")
        }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { systemWrite(rawValue, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(stream: self, reason: String(cString: strerror(errno)))
            }
            bytes = bytes.dropFirst(written)
        }
    }
}

#if canImport(Glibc)
    private let systemWrite = Glibc.write
#else
    private let systemWrite = Darwin.write
#endif
