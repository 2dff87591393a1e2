import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// How a file spells `jax.random` members in a given scope, reusing its own imports
/// (`jr.split`, `random.split`, `jax.random.split`, or a from-imported `split`), and `flax.nnx`.
/// When the file has no usable import it asks for one (`import jax`, `from flax import nnx`):
/// one request per library, applied once per fix.
struct JaxSpelling {
    let model: SemanticModel
    private var jaxImport: Edit?
    private var nnxImport: Edit?

    /// The imports asked for, `import jax` before `from flax import nnx` as isort orders them.
    var importEdits: [Edit] { [jaxImport, nnxImport].compactMap { $0 } }

    init(model: SemanticModel) {
        self.model = model
    }

    /// `a, b = jax.random.split(key)`, or `a, b, c = jax.random.split(key, 3)` for more than two
    /// targets (never `split(key, 1)`: that is a batch of one where a key is expected).
    mutating func splitStatement(into targets: [String], from key: String, in scope: Scope, like nearby: Node? = nil) -> String {
        precondition(targets.count >= 2, "a split into one key is a batch, not a key")
        let count = targets.count == 2 ? "" : ", \(targets.count)"
        return "\(targets.joined(separator: ", ")) = \(spell("split", in: scope, like: nearby))(\(key)\(count))"
    }

    /// The spelling of `jax.random.<member>` valid in `scope`; when `nearby` is a `jax.random`
    /// call (`jax.random.normal(…)`), its own spelling of the module wins, so the new line reads
    /// like its neighbours.
    mutating func spell(_ member: String, in scope: Scope, like nearby: Node? = nil) -> String {
        if let callee = nearby?.child(.function), callee.nodeKind == .attribute,
            let object = callee.child(.object),
            model.qualifiedName(of: object, in: scope) == JaxRandomAPI.module
        {
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
        let visible =
            candidates
            .filter { model.scopeBinding($0.name, from: scope) === module }
            .sorted { ($0.spelling.count, $0.spelling) < ($1.spelling.count, $1.spelling) }
        if let best = visible.first { return best.spelling }
        if model.scopeBinding("jax", from: scope) == nil {
            jaxImport = jaxImport ?? ImportPlacement.addingLine("import jax", to: model)
            return "jax.random." + member
        }
        // `jax` is bound to something else here; import under a name nothing uses.
        jaxImport = jaxImport ?? ImportPlacement.addingLine("import jax.random as _rekey_random", to: model)
        return "_rekey_random." + member
    }

    /// The spelling of `flax.nnx` valid in `scope`: the file's own import (see
    /// ``FileContext/nnxSpelling``), else `nnx` with `from flax import nnx` asked for; nil when
    /// `nnx` names something else there.
    mutating func nnx(in scope: Scope) -> String? {
        if let spelled = Self.nnxSpelling(in: model) { return spelled }
        guard model.scopeBinding("nnx", from: scope) == nil else { return nil }
        nnxImport = nnxImport ?? ImportPlacement.addingLine("from flax import nnx", to: model)
        return "nnx"
    }

    /// How `model` spells `flax.nnx` at module level, if it imports it.
    static func nnxSpelling(in model: SemanticModel) -> String? {
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

extension FileContext {
    /// How the file spells `flax.nnx` at module level (`nnx` after `from flax import nnx`), if at all.
    var nnxSpelling: String? { JaxSpelling.nnxSpelling(in: model) }
}
