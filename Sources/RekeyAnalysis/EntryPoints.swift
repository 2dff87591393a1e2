import Foundation
import RekeySyntax

/// Places where a program starts and a seed may legitimately be created: an
/// `if __name__ == "__main__":` block, a pytest test function or method, a `unittest` set-up
/// method, a pytest fixture, or a function named `main`. Keys are created inside these, never
/// threaded out of them (pytest and console-script launchers would not pass a key).
public enum EntryPoint: Hashable {
    /// The block of an `if __name__ == "__main__":` statement.
    case mainBlock(block: Node)
    /// A function that is run by a launcher (test, fixture, `main`).
    case function(Scope)

    public var block: Node? {
        switch self {
        case .mainBlock(let block): return block
        case .function(let scope): return scope.node.child(.body)
        }
    }

    public static func == (lhs: EntryPoint, rhs: EntryPoint) -> Bool {
        switch (lhs, rhs) {
        case (.mainBlock(let a), .mainBlock(let b)): return a == b
        case (.function(let a), .function(let b)): return a === b
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .mainBlock(let block): hasher.combine(block)
        case .function(let scope): hasher.combine(ObjectIdentifier(scope))
        }
    }
}

extension SemanticModel {
    /// The `if __name__ == "__main__":` blocks at module level.
    public var mainBlocks: [Node] {
        tree.root.namedChildren.compactMap { statement in
            guard statement.nodeKind == .ifStatement,
                let condition = statement.child(.condition),
                SemanticModel.isMainGuard(condition)
            else { return nil }
            return statement.child(.consequence)
        }
    }

    static func isMainGuard(_ condition: Node) -> Bool {
        var condition = condition
        while condition.nodeKind == .parenthesizedExpression, let inner = condition.namedChildren.first { condition = inner }
        guard condition.nodeKind == .comparisonOperator else { return false }
        let operands = condition.namedChildren
        guard operands.count == 2, condition.children.contains(where: { $0.kind == "==" }) else { return false }
        let texts = Set(operands.map { String($0.text.map { $0 == "'" ? "\"" : $0 }) })
        return texts == ["__name__", "\"__main__\""]
    }

    /// Whether a function scope is run by a launcher rather than called by project code.
    public func isEntryPointFunction(_ scope: Scope) -> Bool {
        guard scope.kind == .function, let name = scope.name else { return false }
        let owner = scope.parent
        let atModuleLevel = owner?.kind == .module
        let inClass = owner?.kind == .classBody
        if name.hasPrefix("test")
            && (atModuleLevel
                || (inClass && (owner?.name?.hasPrefix("Test") ?? false)
                    || inClass && isUnittestCase(owner)))
        {
            return true
        }
        if inClass, isUnittestCase(owner), ["setUp", "setUpClass"].contains(name) {
            return true
        }
        if atModuleLevel && (name == "main" || name == "setUpModule") { return true }
        return decoratorNames(of: scope).contains { $0 == "pytest.fixture" || $0.hasPrefix("pytest.fixture(") }
    }

    /// Decorators of a function or class scope, as written (`staticmethod`, `jax.jit`, …).
    public func decoratorNames(of scope: Scope) -> [String] {
        guard let decorated = scope.node.parent, decorated.nodeKind == .decoratedDefinition else { return [] }
        return decorated.namedChildren.filter { $0.nodeKind == .decorator }.compactMap { decorator in
            guard let expression = decorator.namedChildren.first else { return nil }
            let callee = expression.nodeKind == .call ? expression.child(.function) ?? expression : expression
            return qualifiedName(of: callee, in: scope.parent ?? moduleScope) ?? callee.text
        }
    }

    /// The argument names `@pytest.mark.parametrize` gives a test (`"key, x"`, `("key", "x")`):
    /// pytest passes those, so they are not the test's own to create.
    public func parametrizedNames(of scope: Scope) -> Set<String> {
        guard let decorated = scope.node.parent, decorated.nodeKind == .decoratedDefinition else { return [] }
        var names = Set<String>()
        for decorator in decorated.namedChildren where decorator.nodeKind == .decorator {
            guard let call = decorator.namedChildren.first, call.nodeKind == .call,
                let callee = call.child(.function), callee.text.hasSuffix("parametrize"),
                let arguments = call.child(.arguments)
            else { continue }
            let first = arguments.namedChildren.first { $0.nodeKind != .comment }
            let argnames = first?.nodeKind == .keywordArgument ? first?.child(.value) : first
            guard let argnames else { continue }
            let strings = argnames.nodeKind == .string ? [argnames] : argnames.namedChildren.filter { $0.nodeKind == .string }
            for string in strings {
                let content = string.namedChildren.filter { $0.nodeKind == .stringContent }.map(\.text).joined()
                for name in content.split(separator: ",") { names.insert(name.trimmingCharacters(in: .whitespaces)) }
            }
        }
        return names
    }

    private func isUnittestCase(_ scope: Scope?) -> Bool {
        guard let scope, scope.kind == .classBody,
            let bases = scope.node.child(.superclasses)
        else { return false }
        return bases.namedChildren.contains { base in
            let name = qualifiedName(of: base, in: scope.parent ?? moduleScope) ?? base.text
            return name.hasSuffix("TestCase")
        }
    }

    /// The entry point that runs code evaluated in `scope` directly: the nearest enclosing
    /// function when it is a launcher-run function, or the `__main__` block for module-level code.
    /// A helper nested inside a test is not its entry point: it may run any number of times.
    public func entryPoint(containing node: Node, in scope: Scope) -> EntryPoint? {
        if let function = scope.enclosingFunction {
            return isEntryPointFunction(function) ? .function(function) : nil
        }
        guard scope === moduleScope else { return nil }
        return mainBlocks.first { $0.byteRange.contains(node.byteRange) }.map { .mainBlock(block: $0) }
    }
}
