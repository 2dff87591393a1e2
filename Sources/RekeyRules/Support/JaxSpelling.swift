import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// How a file spells `jax.random` members in a given scope, reusing its own imports
/// (`jr.split`, `random.split`, `jax.random.split`, or a from-imported `split`). When the file
/// has no usable import it asks for `import jax` — one request, applied once per fix.
struct JaxSpelling {
    let model: SemanticModel
    private(set) var importEdit: Edit?

    init(model: SemanticModel) {
        self.model = model
    }

    /// The spelling of `jax.random.<member>` valid in `scope`; when `nearby` is a `jax.random`
    /// call (`jax.random.normal(…)`), its own spelling of the module wins, so the new line reads
    /// like its neighbours.
    mutating func spell(_ member: String, in scope: Scope, like nearby: Node? = nil) -> String {
        if let callee = nearby?.child(field: "function"), callee.kind == "attribute",
           let object = callee.child(field: "object"),
           model.qualifiedName(of: object, in: scope) == JaxRandomAPI.module {
            return object.text + "." + member
        }
        let module = model.moduleScope
        var candidates: [(name: String, spelling: String)] = []
        for (name, bindings) in module.bindings {
            guard bindings.count == 1, let imported = bindings[0].importedName else { continue }
            switch imported {
            case JaxRandomAPI.module + "." + member: candidates.append((name, name))
            case JaxRandomAPI.module: candidates.append((name, name + "." + member))
            case "jax" where bindings[0].kind == .importedModule("jax"):
                candidates.append((name, name + ".random." + member))
            default: break
            }
        }
        // Prefer the shortest spelling whose root is not shadowed where it is used; ties by name
        // so the choice is stable.
        let visible = candidates
            .filter { model.scopeBinding($0.name, from: scope) === module }
            .sorted { ($0.spelling.count, $0.spelling) < ($1.spelling.count, $1.spelling) }
        if let best = visible.first { return best.spelling }
        if model.scopeBinding("jax", from: scope) == nil {
            importEdit = importEdit ?? addImport("import jax")
            return "jax.random." + member
        }
        // `jax` is bound to something else here; import under a name nothing uses.
        importEdit = importEdit ?? addImport("import jax.random as _rekey_random")
        return "_rekey_random." + member
    }

    /// Modules that sort before the project's own in isort's order: the standard library and the
    /// numerical stack a JAX project imports. Anything else (`pkg.model`, `.layers`) counts as
    /// first-party, so `import jax` goes above it, as isort would put it.
    private static let thirdPartyRoots: Set<String> = [
        "__future__", "abc", "argparse", "collections", "contextlib", "dataclasses", "enum", "functools",
        "inspect", "itertools", "json", "logging", "math", "operator", "os", "pathlib", "random", "re",
        "sys", "time", "types", "typing", "unittest", "warnings",
        "absl", "chex", "einops", "equinox", "flax", "haiku", "jax", "jaxlib", "jaxtyping", "ml_dtypes",
        "numpy", "optax", "pytest", "scipy", "tensorflow", "torch", "typing_extensions",
    ]

    /// Adds an import line in the module's import block: after its last standard-library or
    /// third-party import, else above its first project import (with the blank line isort puts
    /// between the groups), else after its docstring and `__future__` imports.
    private func addImport(_ line: String) -> Edit {
        let root = model.tree.root
        let statements = root.namedChildren.filter { $0.kind != "comment" }
        let header = statements.prefix { statement in
            ["import_statement", "import_from_statement", "future_import_statement"].contains(statement.kind)
                || (statement.kind == "expression_statement" && statement.namedChildren.first?.kind == "string")
        }
        let imports = header.filter { $0.kind != "expression_statement" }
        let source = model.source
        let newline = source.lineEnding.rawValue
        func lineAfter(_ node: Node) -> Edit {
            let end = source.lineRange(source.lineIndex(at: node.endByte - 1)).end
            let needsNewline = end == source.bytes.count && source.bytes.last != UInt8(ascii: "\n")
            return .insertion((needsNewline ? newline : "") + line + newline, at: end)
        }
        let thirdParty = imports.filter { Self.thirdPartyRoots.contains(Self.rootModule(of: $0)) }
        // In alphabetical place among the plain `import …` lines of that group, as isort sorts them.
        if let following = thirdParty.first(where: { $0.kind == "import_statement" && Self.moduleText(of: $0) > "jax" }),
           SourceEditing.startsLine(following) {
            return .insertion(line + newline, at: source.lineStarts[source.lineIndex(at: following.startByte)])
        }
        if let lastThirdParty = thirdParty.last {
            return lineAfter(lastThirdParty)
        }
        if let firstProject = imports.first(where: { $0.kind != "future_import_statement" }),
           SourceEditing.startsLine(firstProject) {
            return .insertion(line + newline + newline, at: source.lineStarts[source.lineIndex(at: firstProject.startByte)])
        }
        if let last = header.last { return lineAfter(last) }
        return .insertion(line + newline, at: 0)
    }

    /// `numpy` for `import numpy as np`, `jax` for `from jax import random`, "" for a relative import.
    private static func rootModule(of statement: Node) -> String {
        String(moduleText(of: statement).split(separator: ".").first ?? "")
    }

    /// The dotted module an import names (`jax.numpy` for `import jax.numpy as jnp`).
    private static func moduleText(of statement: Node) -> String {
        let module = statement.kind == "import_from_statement"
            ? statement.child(field: "module_name")
            : statement.children(field: "name").first.map { $0.kind == "aliased_import" ? $0.child(field: "name") ?? $0 : $0 }
        guard let module, module.kind == "dotted_name" else { return "" }
        return module.text
    }
}

extension FileContext {
    /// How the file spells `flax.nnx` at module level (`nnx` after `from flax import nnx`), if at all.
    var nnxSpelling: String? {
        for (name, bindings) in model.moduleScope.bindings where bindings.count == 1 {
            switch bindings[0].kind {
            case .importedMember("flax.nnx"), .importedModule("flax.nnx"): return name
            case .importedModule("flax"): return name + ".nnx"
            default: continue
            }
        }
        return nil
    }
}
