import ArgumentParser
import Foundation
import RekeyDriver

/// `--color`: ANSI colour for the text report and the patch, on a terminal by default, as ruff
/// and git colour theirs. `NO_COLOR` (any value) turns the default off, `FORCE_COLOR` on; `always`
/// and `never` override both. JSON, SARIF and GitHub reports are never coloured.
struct ColourOption: ParsableArguments {
    enum When: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    @Option(name: .customLong("color"), help: "Colour findings and patches: auto (on a terminal), always or never.")
    var when: When = .auto

    /// Whether text written to `stream` is coloured.
    func colours(_ stream: StandardStream) -> Bool {
        switch when {
        case .always: return true
        case .never: return false
        case .auto:
            let environment = ProcessInfo.processInfo.environment
            if let force = environment["FORCE_COLOR"], !force.isEmpty { return true }
            if environment["NO_COLOR"] != nil || environment["TERM"] == "dumb" { return false }
            return isatty(stream.rawValue) == 1
        }
    }
}

/// Colours rekey's text output line by line, so the report writers stay plain.
enum Colour {
    private static let reset = "\u{1B}[0m"
    private static let bold = "\u{1B}[1m"
    private static let red = "\u{1B}[31m"
    private static let green = "\u{1B}[32m"
    private static let yellow = "\u{1B}[33m"
    private static let cyan = "\u{1B}[36m"

    /// A unified diff: file headers bold, hunk headers cyan, removed lines red, added green.
    static func patch(_ text: String) -> String {
        mapLines(text) { line in
            if line.hasPrefix("diff --git ") || line.hasPrefix("--- ") || line.hasPrefix("+++ ") { return bold + line + reset }
            if line.hasPrefix("@@") { return cyan + line + reset }
            if line.hasPrefix("-") { return red + line + reset }
            if line.hasPrefix("+") { return green + line + reset }
            return line
        }
    }

    /// The text report: each finding's place bold and its code red, its fix tier green (safe)
    /// or yellow (unsafe); a hand migration's line cyan.
    static func findings(_ text: String) -> String {
        mapLines(text) { line in
            if line.hasPrefix("    manual migration:") { return cyan + line + reset }
            guard let codeStart = line.range(of: ": RK") else { return line }
            let place = line[..<codeStart.lowerBound]
            let rest = line[codeStart.upperBound...]
            guard let codeEnd = rest.firstIndex(of: " ") else { return line }
            var message = String(rest[codeEnd...])
            for (tier, colour) in [(" [safe fix]", green), (" [unsafe fix", yellow)] {
                if let range = message.range(of: tier, options: .backwards) {
                    message = message[..<range.lowerBound] + colour + message[range.lowerBound...] + reset
                }
            }
            return bold + place + reset + ": " + bold + red + "RK" + rest[..<codeEnd] + reset + message
        }
    }

    private static func mapLines(_ text: String, _ transform: (String) -> String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { transform(String($0)) }.joined(separator: "\n")
    }
}
