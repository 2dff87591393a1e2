/// What a file's project declares that shapes the code rekey writes: the oldest Python it
/// supports (no `field(kw_only=True)` before 3.10) and its line length. Read by the driver from
/// the project's `pyproject.toml`, `setup.cfg` or `setup.py`.
public struct ProjectSettings: Sendable, Equatable {
    /// The oldest Python the project supports; nil when it declares none (then nothing is ruled out).
    public var minimumPython: PythonVersion?
    /// ruff's or black's `line-length`, else black's default.
    public var lineLength: Int

    public static let defaultLineLength = 88

    public init(minimumPython: PythonVersion? = nil, lineLength: Int = ProjectSettings.defaultLineLength) {
        self.minimumPython = minimumPython
        self.lineLength = lineLength
    }

    /// Whether code needing `version` may be written for this project.
    public func supports(_ version: PythonVersion) -> Bool {
        minimumPython.map { $0 >= version } ?? true
    }
}

/// A Python release, major and minor.
public struct PythonVersion: Comparable, Sendable, CustomStringConvertible {
    public let major: Int
    public let minor: Int

    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: PythonVersion, rhs: PythonVersion) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }

    /// `py310` (ruff's `target-version`).
    public init?(ruffTarget: String) {
        guard ruffTarget.hasPrefix("py"), ruffTarget.count >= 4, let major = Int(ruffTarget.dropFirst(2).prefix(1)),
            let minor = Int(ruffTarget.dropFirst(3))
        else { return nil }
        self.init(major, minor)
    }

    /// The oldest release a version specifier admits (`>=3.9,<4` → 3.9, `~=3.10`, `^3.8`,
    /// `==3.11.*`); nil when it sets no lower bound.
    public init?(lowerBoundOf specifier: String) {
        var best: PythonVersion?
        for clause in specifier.split(separator: ",") {
            let trimmed = clause.trimmingCharacters(in: " \t\"'")
            guard let operatorEnd = trimmed.firstIndex(where: { $0.isNumber }) else { continue }
            let op = trimmed[..<operatorEnd].trimmingCharacters(in: " ")
            guard [">=", ">", "~=", "==", "^", "~", ""].contains(op) else { continue }
            let parts = trimmed[operatorEnd...].split(separator: ".").map { Int($0.prefix { $0.isNumber }) }
            guard let major = parts.first ?? nil else { continue }
            let version = PythonVersion(major, parts.count > 1 ? parts[1] ?? 0 : 0)
            best = best.map { max($0, version) } ?? version
        }
        guard let best else { return nil }
        self = best
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in characters: String) -> String {
        let set = Set(characters)
        return String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
