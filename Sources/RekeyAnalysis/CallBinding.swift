import RekeySyntax

/// A function's parameters, as Python binds arguments to them. Names are NFKC-normalised, as
/// Python normalises identifiers (`ｋｅｙ` is `key`).
public struct Signature: Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        case positionalOnly, positionalOrKeyword, variadicPositional, keywordOnly, variadicKeyword
    }

    public struct Parameter: Equatable, Sendable {
        public let name: String
        public let kind: Kind
        public let hasDefault: Bool

        public init(name: String, kind: Kind, hasDefault: Bool) {
            self.name = name
            self.kind = kind
            self.hasDefault = hasDefault
        }

        public var isRequired: Bool {
            !hasDefault && kind != .variadicPositional && kind != .variadicKeyword
        }
    }

    public let parameters: [Parameter]

    public init(_ parameters: [Parameter]) {
        self.parameters = parameters
    }

    /// The signature of a `def` or `lambda` from its `parameters` node; nil for forms Python 3
    /// does not have (tuple parameters).
    public init?(parameters node: Node) {
        var result: [Parameter] = []
        var kind = Kind.positionalOrKeyword
        for item in node.namedChildren where item.nodeKind != .comment {
            switch item.nodeKind {
            case .positionalSeparator:
                result = result.map { Parameter(name: $0.name, kind: .positionalOnly, hasDefault: $0.hasDefault) }
            case .keywordSeparator:
                kind = .keywordOnly
            case .identifier:
                result.append(Parameter(name: PythonIdentifier.normalised(item.text), kind: kind, hasDefault: false))
            case .defaultParameter, .typedDefaultParameter:
                guard let name = item.child(.name) else { return nil }
                result.append(Parameter(name: PythonIdentifier.normalised(name.text), kind: kind, hasDefault: true))
            case .typedParameter, .listSplatPattern, .dictionarySplatPattern:
                let inner = item.nodeKind == .typedParameter ? item.namedChildren.first ?? item : item
                switch inner.nodeKind {
                case .identifier:
                    result.append(Parameter(name: PythonIdentifier.normalised(inner.text), kind: kind, hasDefault: false))
                case .listSplatPattern:
                    let name = inner.namedChildren.first.map { PythonIdentifier.normalised($0.text) } ?? "args"
                    result.append(Parameter(name: name, kind: .variadicPositional, hasDefault: false))
                    kind = .keywordOnly
                case .dictionarySplatPattern:
                    let name = inner.namedChildren.first.map { PythonIdentifier.normalised($0.text) } ?? "kwargs"
                    result.append(Parameter(name: name, kind: .variadicKeyword, hasDefault: false))
                default:
                    return nil
                }
            default:
                return nil
            }
        }
        self.parameters = result
    }

    public var description: String {
        "("
            + parameters.map { parameter in
                let prefix = parameter.kind == .variadicPositional ? "*" : parameter.kind == .variadicKeyword ? "**" : ""
                return prefix + parameter.name + (parameter.hasDefault ? "=…" : "")
            }.joined(separator: ", ") + ")"
    }

    /// A name two parameters share (CPython refuses the `def`: "duplicate argument").
    public var repeatedName: String? {
        var seen = Set<String>()
        return parameters.first { !seen.insert($0.name).inserted }?.name
    }

    /// The required parameters, by name.
    public var requiredNames: Set<String> { Set(parameters.filter(\.isRequired).map(\.name)) }

    /// How a call's arguments bind, as Python would bind them: each parameter (and each slot of
    /// `*args`/`**kwargs`, as `*args[i]` and `**kwargs[name]`) to the text of its argument.
    /// A call that unpacks `*x` or `**x` cannot be bound without running it: `.indeterminate`.
    public func bind(_ call: CallArguments) -> BindingResult {
        if call.unpacksPositional || call.unpacksKeywords { return .indeterminate }
        var bound: [String: String] = [:]
        var positional = call.positional[...]
        for parameter in parameters where parameter.kind == .positionalOnly || parameter.kind == .positionalOrKeyword {
            guard let argument = positional.popFirst() else { break }
            bound[parameter.name] = argument
        }
        if !positional.isEmpty {
            guard let rest = parameters.first(where: { $0.kind == .variadicPositional }) else {
                return .failed(
                    "it passes \(call.positional.count) positional arguments; the function takes at most "
                        + "\(parameters.count { $0.kind == .positionalOnly || $0.kind == .positionalOrKeyword })")
            }
            for (index, argument) in positional.enumerated() { bound["*\(rest.name)[\(index)]"] = argument }
        }
        let collector = parameters.first { $0.kind == .variadicKeyword }
        var seenKeywords = Set<String>()
        for (rawName, argument) in call.keywords {
            let name = PythonIdentifier.normalised(rawName)
            guard seenKeywords.insert(name).inserted else { return .failed("it repeats the keyword argument `\(name)`") }
            if let parameter = parameters.first(where: {
                $0.name == name && ($0.kind == .positionalOrKeyword || $0.kind == .keywordOnly)
            }) {
                guard bound[parameter.name] == nil else { return .failed("it gives `\(name)` twice") }
                bound[parameter.name] = argument
            } else if let collector {
                bound["**\(collector.name)[\(name)]"] = argument
            } else {
                return .failed("the function takes no argument `\(name)`")
            }
        }
        if let missing = parameters.first(where: { $0.isRequired && bound[$0.name] == nil }) {
            return .failed("it does not pass `\(missing.name)`")
        }
        return .bound(bound)
    }
}

public enum BindingResult: Equatable, Sendable {
    /// Parameter (or `*args[i]`, `**kwargs[name]` slot) → the argument's text.
    case bound([String: String])
    /// Python would raise `TypeError`: why.
    case failed(String)
    /// The call unpacks `*x` or `**x`.
    case indeterminate
}

/// The arguments of a call, as texts, in the order written.
public struct CallArguments: Equatable, Sendable {
    public var positional: [String]
    public var keywords: [(name: String, value: String)]
    public var unpacksPositional: Bool
    public var unpacksKeywords: Bool

    public init(
        positional: [String] = [], keywords: [(name: String, value: String)] = [],
        unpacksPositional: Bool = false, unpacksKeywords: Bool = false
    ) {
        self.positional = positional
        self.keywords = keywords
        self.unpacksPositional = unpacksPositional
        self.unpacksKeywords = unpacksKeywords
    }

    /// A call's arguments; a bare generator argument (`f(x for x in y)`) is one positional.
    public init?(call: Node) {
        guard let arguments = call.child(.arguments) else { return nil }
        self.init()
        guard arguments.nodeKind == .argumentList else {
            positional = [arguments.text]
            return
        }
        for argument in arguments.namedChildren where argument.nodeKind != .comment {
            switch argument.nodeKind {
            case .keywordArgument:
                guard let name = argument.child(.name), let value = argument.child(.value) else { return nil }
                keywords.append((name.text, value.text))
            case .listSplat: unpacksPositional = true
            case .dictionarySplat: unpacksKeywords = true
            default: positional.append(argument.text)
            }
        }
    }

    /// The same call made through a bound method or a class: `self` comes first.
    public func withReceiver() -> CallArguments {
        var copy = self
        copy.positional.insert("<receiver>", at: 0)
        return copy
    }

    public static func == (lhs: CallArguments, rhs: CallArguments) -> Bool {
        lhs.positional == rhs.positional && lhs.unpacksPositional == rhs.unpacksPositional
            && lhs.unpacksKeywords == rhs.unpacksKeywords
            && lhs.keywords.map(\.name) == rhs.keywords.map(\.name) && lhs.keywords.map(\.value) == rhs.keywords.map(\.value)
    }
}
