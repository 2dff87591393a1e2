import RekeySyntax

/// A Python scope: where names are bound and looked up.
public final class Scope {
    public enum Kind: Sendable, Equatable {
        case module, classBody, function, lambda, comprehension
    }

    public let kind: Kind
    /// Its position among its model's scopes (``SemanticModel/scopes``), for tables by scope.
    public let index: Int
    /// The node that opens the scope: the module, a `class_definition`, `function_definition`,
    /// `lambda`, or comprehension.
    public let node: Node
    public private(set) weak var parent: Scope?
    /// The function or class name, for messages (`Encoder.__init__`).
    public let name: String?
    // The tables below are read on every name lookup and written only by this class's own
    // methods while the model is built, never during a read: the runtime's exclusivity check,
    // 1% of a run's instructions across these and the model's tables, is left out.
    @exclusivity(unchecked) public private(set) var children: [Scope] = []
    @exclusivity(unchecked) public private(set) var bindings: [String: [Binding]] = [:]
    @exclusivity(unchecked) public private(set) var globalNames: Set<String> = []
    @exclusivity(unchecked) public private(set) var nonlocalNames: Set<String> = []
    /// One bit (``NameBit``) for each name bound or declared `global`/`nonlocal` here: a name
    /// whose bit is clear is none of them, which a lookup learns without hashing the name. Most
    /// lookups pass through scopes that do not bind the name on their way to the module.
    @exclusivity(unchecked) private(set) var names = NameBits()

    /// A name's bit among 64, from its length and its first and last bytes.
    struct NameBit {
        let mask: UInt64

        init(_ name: String) {
            let utf8 = name.utf8
            self.init(first: utf8.first ?? 0, last: utf8.last ?? 0, count: utf8.count)
        }

        /// The bit of the name an identifier spells, read from the source's bytes.
        init(_ identifier: Node) {
            let bytes = identifier.source.bytes
            let (start, end) = (identifier.startByte, identifier.endByte)
            self.init(first: start < end ? bytes[start] : 0, last: start < end ? bytes[end - 1] : 0, count: end - start)
        }

        private init(first: UInt8, last: UInt8, count: Int) {
            let mixed = Int(first) &* 31 &+ Int(last) &* 7 &+ count
            mask = 1 << UInt64(mixed & 63)
        }
    }

    struct NameBits {
        var bound: UInt64 = 0
        var declared: UInt64 = 0

        mutating func bind(_ name: String) { bound |= NameBit(name).mask }
        func mayBind(_ name: NameBit) -> Bool { bound & name.mask != 0 }
        func mayDeclare(_ name: NameBit) -> Bool { declared & name.mask != 0 }
        /// Whether the identifier's name may be among those bound.
        func mayHold(_ identifier: Node) -> Bool { mayBind(NameBit(identifier)) }
    }

    init(kind: Kind, index: Int, node: Node, parent: Scope?, name: String?) {
        self.kind = kind
        self.index = index
        self.node = node
        self.parent = parent
        self.name = name
        parent?.children.append(self)
    }

    func add(_ binding: Binding) {
        bindings[binding.name, default: []].append(binding)
        names.bind(binding.name)
    }
    func declareGlobal(_ name: String) {
        globalNames.insert(name)
        names.declared |= NameBit(name).mask
    }
    func declareNonlocal(_ name: String) {
        nonlocalNames.insert(name)
        names.declared |= NameBit(name).mask
    }

    public var isFunctionLike: Bool { kind == .function || kind == .lambda }

    /// A class body's own `__init__` (nil when the class inherits or generates it).
    public var initializer: Scope? {
        kind == .classBody ? children.first { $0.kind == .function && $0.name == "__init__" } : nil
    }

    /// `Encoder.__init__`, `make_model`, `<lambda>` — how messages name a scope.
    public var qualifiedName: String {
        let own = name ?? (kind == .lambda ? "<lambda>" : kind == .comprehension ? "<comprehension>" : "<module>")
        guard let parent, parent.kind != .module else { return own }
        return parent.qualifiedName + "." + own
    }

    /// The nearest enclosing (or own) scope of a `def`: what a key parameter would be added to.
    public var enclosingFunction: Scope? {
        var current: Scope? = self
        while let scope = current {
            if scope.kind == .function { return scope }
            if scope.kind == .classBody || scope.kind == .module { return nil }
            current = scope.parent
        }
        return nil
    }

    /// Scopes nested in this one, recursively.
    public var descendants: [Scope] { children.flatMap { [$0] + $0.descendants } }

    public func isInside(_ other: Scope) -> Bool {
        var current: Scope? = self
        while let scope = current {
            if scope === other { return true }
            current = scope.parent
        }
        return false
    }
}

/// One place a name is bound.
public struct Binding {
    public enum Kind: Equatable {
        /// `import a.b as c` binds `c` to module `a.b`; `import a.b` binds `a` to module `a`.
        case importedModule(String)
        /// `from a.b import c` binds `c` to `a.b.c` (a module or a member: unknowable locally).
        case importedMember(String)
        case assignment
        case augmentedAssignment
        case annotationOnly
        case parameter
        case functionDefinition
        case classDefinition
        case loopTarget
        case withTarget
        case exceptTarget
        case walrus
        case patternCapture
        case deletion
    }

    public let name: String
    public let kind: Kind
    /// The identifier node that is bound.
    public let nameNode: Node
    /// The statement (or definition, or parameter) that binds it.
    public let site: Node
    /// For a plain `name = value` or `name: T = value`: the value.
    public let value: Node?
    /// Bound in this scope from a nested function through a `global` declaration.
    public var throughGlobalDeclaration = false

    public var importedName: String? {
        switch kind {
        case .importedModule(let name), .importedMember(let name): return name
        default: return nil
        }
    }
}

/// A name read somewhere.
public struct Reference {
    public let name: String
    public let node: Node
    public let scope: Scope
}
