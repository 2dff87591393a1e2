/// A problem with an input rather than with the code in it: a file rekey skipped or could not
/// write, and why. Printed to standard error; never silently dropped.
public struct Diagnostic: Sendable, Comparable, CustomStringConvertible {
    public enum Severity: Sendable {
        /// The file was not checked or not written (an I/O-class problem).
        case error
        /// Worth knowing; nothing was lost.
        case warning
    }

    public let path: String
    public let message: String
    public let severity: Severity

    public init(path: String, message: String, severity: Severity = .error) {
        self.path = path
        self.message = message
        self.severity = severity
    }

    public var description: String { "\(path): \(severity == .error ? "error" : "warning"): \(message)" }

    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        (lhs.path, lhs.message) < (rhs.path, rhs.message)
    }
}
