import RekeyAnalysis
import RekeyEdits
import RekeySyntax

/// Where a new import line goes in a module, as isort would place it: a third-party one (`import
/// jax`) in the standard-library and third-party group, a project one (`from pkg.layers import
/// SEED`) after every other import.
enum ImportPlacement {
    /// Modules that sort before the project's own in isort's order: the standard library and the
    /// numerical stack a JAX project imports. Anything else (`pkg.model`, `.layers`) counts as
    /// first-party.
    private static let thirdPartyRoots: Set<String> = [
        "__future__", "abc", "argparse", "collections", "contextlib", "dataclasses", "enum", "functools",
        "inspect", "itertools", "json", "logging", "math", "operator", "os", "pathlib", "random", "re",
        "sys", "time", "types", "typing", "unittest", "warnings",
        "absl", "chex", "einops", "equinox", "flax", "haiku", "jax", "jaxlib", "jaxtyping", "ml_dtypes",
        "numpy", "optax", "pytest", "scipy", "tensorflow", "torch", "typing_extensions",
    ]

    /// Adds `line` (an `import …` or `from … import …` statement) to the module's import block.
    /// A third-party import goes in alphabetical place among that group's plain imports, else
    /// after its last import, else above the first project import (with the blank line isort puts
    /// between the groups); a project import goes after the last import. Without imports, the
    /// line goes after the docstring and `__future__` imports.
    static func addingLine(_ line: String, to model: SemanticModel) -> Edit {
        let statements = model.tree.root.namedChildren.filter { $0.nodeKind != .comment }
        let header = statements.prefix { statement in
            [.importStatement, .importFromStatement, .futureImportStatement].contains(statement.nodeKind)
                || (statement.nodeKind == .expressionStatement && statement.namedChildren.first?.nodeKind == .string)
        }
        let imports = header.filter { $0.nodeKind != .expressionStatement }
        let source = model.source
        let newline = source.lineEnding.rawValue
        func lineAfter(_ node: Node) -> Edit {
            let end = source.lineRange(source.lineIndex(at: node.endByte - 1)).end
            let needsNewline = end == source.bytes.count && source.bytes.last != UInt8(ascii: "\n")
            return .insertion((needsNewline ? newline : "") + line + newline, at: end)
        }
        let module = line.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        let isThirdParty = thirdPartyRoots.contains(String(module.split(separator: ".").first ?? ""))
        if !isThirdParty, let last = imports.last { return lineAfter(last) }
        let thirdParty = imports.filter { thirdPartyRoots.contains(rootModule(of: $0)) }
        if line.hasPrefix("import "),
            let following = thirdParty.first(where: { $0.nodeKind == .importStatement && moduleText(of: $0) > module }),
            SourceEditing.startsLine(following)
        {
            return .insertion(line + newline, at: source.lineStarts[source.lineIndex(at: following.startByte)])
        }
        if let lastThirdParty = thirdParty.last {
            return lineAfter(lastThirdParty)
        }
        if let firstProject = imports.first(where: { $0.nodeKind != .futureImportStatement }),
            SourceEditing.startsLine(firstProject)
        {
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
        let module =
            statement.nodeKind == .importFromStatement
            ? statement.child(.moduleName)
            : statement.children(.name).first.map { $0.nodeKind == .aliasedImport ? $0.child(.name) ?? $0 : $0 }
        guard let module, module.nodeKind == .dottedName else { return "" }
        return module.text
    }
}
