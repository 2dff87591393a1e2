import RekeyAnalysis
import RekeySyntax

/// RK003 — a function or method that reads a module-level key.
///
/// RK001 reports the global itself; this rule reports each reader, at its first read, because
/// each reader is a signature that hides its randomness. Reads resolve through Python's scopes:
/// a parameter or local of the same name is not the global.
struct HiddenGlobalKey: Rule {
    static let description = RuleDescription(
        code: "RK003",
        name: "hidden-global-key",
        summary: "function reads a module-level key",
        whatItDoes: """
            Finds functions, methods and lambdas that read a module-level name bound to a PRNG key \
            (`KEY = jax.random.PRNGKey(0)`, or a `split`/`fold_in` of one), including a key \
            created under `if __name__ == "__main__":` and read by the functions it calls. Each \
            function is reported once per global, at its first read.
            """,
        whyBad: """
            The function is random, but its signature does not say so: callers cannot seed it, two \
            calls (or two functions reading the same global) consume the same key and draw the \
            same numbers, which JAX's reuse checker reports as `KeyReuseError`. Results depend on \
            what else ran first.
            """,
        fixSafety: """
            Take the key as a parameter and let the caller split its own key for it. `rekey fix` \
            does this when it can fix the global itself (RK001); otherwise it is migrated by hand.
            """,
        examples: [
            RuleExample(
                bad: """
                    import jax.random as jr

                    NOISE_KEY = jr.fold_in(jr.PRNGKey(7), 1)


                    def noise(shape):
                        return jr.normal(NOISE_KEY, shape)

                    """,
                good: """
                    import jax.random as jr


                    def noise(shape, *, key):
                        return jr.normal(key, shape)

                    """,
                fixedByRekey: false)
        ])

    static func message(reader: Scope, global: Binding, importedFrom: String? = nil) -> String {
        let name = reader.kind == .lambda ? "a lambda" : "`\(reader.qualifiedName)`"
        if let imported = importedFrom ?? global.importedName {
            let module = imported.split(separator: ".").dropLast().joined(separator: ".")
            return
                "\(name) reads `\(global.name)`, a PRNG key `\(module)` creates at import time (imported at line \(global.nameNode.startPosition.line))"
        }
        return "\(name) reads the module-level PRNG key `\(global.name)` (line \(global.nameNode.startPosition.line))"
    }

    static let manualReason = "take the key as a parameter and have the caller split its own key for it"

    func check(_ file: FileContext) -> [Finding] {
        let model = file.model
        let sources = file.randomSources
        guard !sources.moduleKeys.isEmpty else { return [] }
        var reported = Set<String>()
        var findings: [Finding] = []
        for reference in model.references.sorted(by: { $0.node.startByte < $1.node.startByte }) {
            guard let reader = RandomSources.runner(of: reference.scope), reader.isFunctionLike,
                let global = sources.moduleKey(reference.node, in: reference.scope),
                reported.insert("\(reader.node.startByte) \(global.name)").inserted
            else { continue }
            findings.append(
                Finding(
                    code: code, node: reference.node, path: file.path,
                    message: Self.message(reader: reader, global: global, importedFrom: global.importedName.map(file.absolute)),
                    remedy: .manual(reason: Self.manualReason)))
        }
        return findings
    }
}
