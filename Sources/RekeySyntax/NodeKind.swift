import CTreeSitter

/// A node kind as a small integer, for hot paths: comparing two of these is one integer compare,
/// where comparing kind strings costs a string comparison per `case`. Symbols that share a name
/// (tree-sitter aliases) map to one kind, the grammar's first symbol of that name.
///
/// Each kind below is a constant the compiler folds into the code that uses it, where a global
/// looked up by name would be initialised on first use and reached through an accessor on every
/// switch over kinds. Its grammar name is spelt beside its id, for ``NodeKindTests`` to check the
/// one against the other in the pinned grammar (`Grammars/grammars.lock`).
public struct NodeKind: Hashable, Sendable, CustomStringConvertible {
    @usableFromInline let id: UInt16

    init(id: UInt16) { self.id = id }

    /// `name` documents the id, and NodeKindTests checks it; it is not kept.
    @inlinable init(_ id: UInt16, named name: StaticString) { self.id = id }

    public var description: String { PythonGrammar.shared.kindBySymbol[Int(id)] }

    @inlinable public static var identifier: NodeKind { NodeKind(1, named: "identifier") }
    @inlinable public static var attribute: NodeKind { NodeKind(204, named: "attribute") }
    @inlinable public static var call: NodeKind { NodeKind(207, named: "call") }
    @inlinable public static var keywordArgument: NodeKind { NodeKind(215, named: "keyword_argument") }
    @inlinable public static var decoratedDefinition: NodeKind { NodeKind(159, named: "decorated_definition") }
    @inlinable public static var functionDefinition: NodeKind { NodeKind(146, named: "function_definition") }
    @inlinable public static var classDefinition: NodeKind { NodeKind(155, named: "class_definition") }
    @inlinable public static var lambda: NodeKind { NodeKind(197, named: "lambda") }
    @inlinable public static var listComprehension: NodeKind { NodeKind(221, named: "list_comprehension") }
    @inlinable public static var set: NodeKind { NodeKind(217, named: "set") }
    @inlinable public static var setComprehension: NodeKind { NodeKind(223, named: "set_comprehension") }
    @inlinable public static var dictionaryComprehension: NodeKind { NodeKind(222, named: "dictionary_comprehension") }
    @inlinable public static var generatorExpression: NodeKind { NodeKind(224, named: "generator_expression") }
    @inlinable public static var assignment: NodeKind { NodeKind(199, named: "assignment") }
    @inlinable public static var augmentedAssignment: NodeKind { NodeKind(200, named: "augmented_assignment") }
    @inlinable public static var namedExpression: NodeKind { NodeKind(123, named: "named_expression") }
    @inlinable public static var forStatement: NodeKind { NodeKind(137, named: "for_statement") }
    @inlinable public static var asPattern: NodeKind { NodeKind(166, named: "as_pattern") }
    @inlinable public static var importStatement: NodeKind { NodeKind(111, named: "import_statement") }
    @inlinable public static var importFromStatement: NodeKind { NodeKind(115, named: "import_from_statement") }
    @inlinable public static var globalStatement: NodeKind { NodeKind(151, named: "global_statement") }
    @inlinable public static var nonlocalStatement: NodeKind { NodeKind(152, named: "nonlocal_statement") }
    @inlinable public static var deleteStatement: NodeKind { NodeKind(126, named: "delete_statement") }
    @inlinable public static var casePattern: NodeKind { NodeKind(164, named: "case_pattern") }
    @inlinable public static var keywordPattern: NodeKind { NodeKind(172, named: "keyword_pattern") }
    @inlinable public static var splatPattern: NodeKind { NodeKind(173, named: "splat_pattern") }
    @inlinable public static var typeParameter: NodeKind { NodeKind(156, named: "type_parameter") }
    @inlinable public static var typeAliasStatement: NodeKind { NodeKind(154, named: "type_alias_statement") }
    @inlinable public static var ifStatement: NodeKind { NodeKind(131, named: "if_statement") }
    @inlinable public static var comment: NodeKind { NodeKind(99, named: "comment") }
    @inlinable public static var string: NodeKind { NodeKind(232, named: "string") }
    @inlinable public static var integer: NodeKind { NodeKind(93, named: "integer") }
    @inlinable public static var aliasedImport: NodeKind { NodeKind(117, named: "aliased_import") }
    @inlinable public static var wildcardImport: NodeKind { NodeKind(118, named: "wildcard_import") }
    @inlinable public static var argumentList: NodeKind { NodeKind(158, named: "argument_list") }
    @inlinable public static var binaryOperator: NodeKind { NodeKind(192, named: "binary_operator") }
    @inlinable public static var block: NodeKind { NodeKind(135, named: "block") }
    @inlinable public static var comparisonOperator: NodeKind { NodeKind(196, named: "comparison_operator") }
    @inlinable public static var decorator: NodeKind { NodeKind(160, named: "decorator") }
    @inlinable public static var defaultParameter: NodeKind { NodeKind(182, named: "default_parameter") }
    @inlinable public static var dictionary: NodeKind { NodeKind(219, named: "dictionary") }
    @inlinable public static var dictionarySplat: NodeKind { NodeKind(150, named: "dictionary_splat") }
    @inlinable public static var dictionarySplatPattern: NodeKind { NodeKind(185, named: "dictionary_splat_pattern") }
    @inlinable public static var dottedName: NodeKind { NodeKind(163, named: "dotted_name") }
    @inlinable public static var expressionStatement: NodeKind { NodeKind(122, named: "expression_statement") }
    @inlinable public static var futureImportStatement: NodeKind { NodeKind(114, named: "future_import_statement") }
    @inlinable public static var keywordSeparator: NodeKind { NodeKind(240, named: "keyword_separator") }
    @inlinable public static var list: NodeKind { NodeKind(216, named: "list") }
    @inlinable public static var listSplat: NodeKind { NodeKind(149, named: "list_splat") }
    @inlinable public static var listSplatPattern: NodeKind { NodeKind(184, named: "list_splat_pattern") }
    @inlinable public static var module: NodeKind { NodeKind(108, named: "module") }
    @inlinable public static var pair: NodeKind { NodeKind(220, named: "pair") }
    @inlinable public static var parameters: NodeKind { NodeKind(147, named: "parameters") }
    @inlinable public static var parenthesizedExpression: NodeKind { NodeKind(226, named: "parenthesized_expression") }
    @inlinable public static var positionalSeparator: NodeKind { NodeKind(239, named: "positional_separator") }
    @inlinable public static var stringContent: NodeKind { NodeKind(233, named: "string_content") }
    @inlinable public static var subscriptExpression: NodeKind { NodeKind(205, named: "subscript") }
    @inlinable public static var tuple: NodeKind { NodeKind(218, named: "tuple") }
    @inlinable public static var tuplePattern: NodeKind { NodeKind(169, named: "tuple_pattern") }
    @inlinable public static var type: NodeKind { NodeKind(209, named: "type") }
    @inlinable public static var typedDefaultParameter: NodeKind { NodeKind(183, named: "typed_default_parameter") }
    @inlinable public static var typedParameter: NodeKind { NodeKind(208, named: "typed_parameter") }
    @inlinable public static var whileStatement: NodeKind { NodeKind(138, named: "while_statement") }
    @inlinable public static var execStatement: NodeKind { NodeKind(153, named: "exec_statement") }
    @inlinable public static var printStatement: NodeKind { NodeKind(119, named: "print_statement") }
    @inlinable public static var passStatement: NodeKind { NodeKind(128, named: "pass_statement") }
    @inlinable public static var asPatternTarget: NodeKind { NodeKind(273, named: "as_pattern_target") }
    @inlinable public static var assertStatement: NodeKind { NodeKind(121, named: "assert_statement") }
    @inlinable public static var booleanOperator: NodeKind { NodeKind(191, named: "boolean_operator") }
    @inlinable public static var breakStatement: NodeKind { NodeKind(129, named: "break_statement") }
    @inlinable public static var caseClause: NodeKind { NodeKind(136, named: "case_clause") }
    @inlinable public static var classPattern: NodeKind { NodeKind(174, named: "class_pattern") }
    @inlinable public static var conditionalExpression: NodeKind { NodeKind(230, named: "conditional_expression") }
    @inlinable public static var continueStatement: NodeKind { NodeKind(130, named: "continue_statement") }
    @inlinable public static var elifClause: NodeKind { NodeKind(132, named: "elif_clause") }
    @inlinable public static var elseClause: NodeKind { NodeKind(133, named: "else_clause") }
    @inlinable public static var escapeSequence: NodeKind { NodeKind(89, named: "escape_sequence") }
    @inlinable public static var exceptClause: NodeKind { NodeKind(140, named: "except_clause") }
    @inlinable public static var exceptGroupClause: NodeKind { NodeKind(141, named: "except_group_clause") }
    @inlinable public static var expressionList: NodeKind { NodeKind(162, named: "expression_list") }
    @inlinable public static var falseLiteral: NodeKind { NodeKind(97, named: "false") }
    @inlinable public static var finallyClause: NodeKind { NodeKind(142, named: "finally_clause") }
    @inlinable public static var floatLiteral: NodeKind { NodeKind(94, named: "float") }
    @inlinable public static var forInClause: NodeKind { NodeKind(228, named: "for_in_clause") }
    @inlinable public static var ifClause: NodeKind { NodeKind(229, named: "if_clause") }
    @inlinable public static var listPattern: NodeKind { NodeKind(168, named: "list_pattern") }
    @inlinable public static var matchStatement: NodeKind { NodeKind(134, named: "match_statement") }
    @inlinable public static var noneLiteral: NodeKind { NodeKind(98, named: "none") }
    @inlinable public static var notOperator: NodeKind { NodeKind(190, named: "not_operator") }
    @inlinable public static var patternList: NodeKind { NodeKind(201, named: "pattern_list") }
    @inlinable public static var raiseStatement: NodeKind { NodeKind(127, named: "raise_statement") }
    @inlinable public static var returnStatement: NodeKind { NodeKind(125, named: "return_statement") }
    @inlinable public static var slice: NodeKind { NodeKind(206, named: "slice") }
    @inlinable public static var stringEnd: NodeKind { NodeKind(107, named: "string_end") }
    @inlinable public static var stringStart: NodeKind { NodeKind(104, named: "string_start") }
    @inlinable public static var trueLiteral: NodeKind { NodeKind(96, named: "true") }
    @inlinable public static var tryStatement: NodeKind { NodeKind(139, named: "try_statement") }
    @inlinable public static var unaryOperator: NodeKind { NodeKind(193, named: "unary_operator") }
    @inlinable public static var withClause: NodeKind { NodeKind(144, named: "with_clause") }
    @inlinable public static var withStatement: NodeKind { NodeKind(143, named: "with_statement") }
    @inlinable public static var lambdaParameters: NodeKind { NodeKind(148, named: "lambda_parameters") }
    @inlinable public static var yieldExpression: NodeKind { NodeKind(203, named: "yield") }
    @inlinable public static var lineContinuation: NodeKind { NodeKind(100, named: "line_continuation") }
    @inlinable public static var awaitExpression: NodeKind { NodeKind(238, named: "await") }
}

/// A field name as its id in the grammar, a compile-time constant as ``NodeKind``'s are.
public struct FieldName: Sendable {
    @usableFromInline let id: TSFieldId

    /// `name` documents the id, and NodeKindTests checks it; it is not kept.
    @inlinable init(_ id: TSFieldId, named name: StaticString) { self.id = id }

    @inlinable public static var name: FieldName { FieldName(19, named: "name") }
    @inlinable public static var value: FieldName { FieldName(32, named: "value") }
    @inlinable public static var left: FieldName { FieldName(17, named: "left") }
    @inlinable public static var right: FieldName { FieldName(25, named: "right") }
    @inlinable public static var type: FieldName { FieldName(29, named: "type") }
    @inlinable public static var body: FieldName { FieldName(6, named: "body") }
    @inlinable public static var object: FieldName { FieldName(20, named: "object") }
    @inlinable public static var attribute: FieldName { FieldName(5, named: "attribute") }
    @inlinable public static var function: FieldName { FieldName(14, named: "function") }
    @inlinable public static var arguments: FieldName { FieldName(4, named: "arguments") }
    @inlinable public static var parameters: FieldName { FieldName(23, named: "parameters") }
    @inlinable public static var returnType: FieldName { FieldName(24, named: "return_type") }
    @inlinable public static var superclasses: FieldName { FieldName(28, named: "superclasses") }
    @inlinable public static var alternative: FieldName { FieldName(2, named: "alternative") }
    @inlinable public static var alias: FieldName { FieldName(1, named: "alias") }
    @inlinable public static var moduleName: FieldName { FieldName(18, named: "module_name") }
    @inlinable public static var condition: FieldName { FieldName(9, named: "condition") }
    @inlinable public static var consequence: FieldName { FieldName(10, named: "consequence") }
    @inlinable public static var definition: FieldName { FieldName(11, named: "definition") }
    @inlinable public static var key: FieldName { FieldName(16, named: "key") }
    /// The index of a `subscript` expression (`keys[0]`: `0`).
    @inlinable public static var subscriptIndex: FieldName { FieldName(27, named: "subscript") }
    @inlinable public static var argument: FieldName { FieldName(3, named: "argument") }
    @inlinable public static var subject: FieldName { FieldName(26, named: "subject") }
}

extension Node {
    /// The name a parameter of a `def` or `lambda` binds (`key` in `key`, `key=None`,
    /// `key: Array`, `*keys`, `**options`); nil for `*`, `/` and comments.
    public var parameterName: Node? {
        switch nodeKind {
        case .identifier: self
        case .defaultParameter, .typedDefaultParameter: child(.name)
        case .typedParameter, .listSplatPattern, .dictionarySplatPattern:
            namedChildren.first { $0.nodeKind == .identifier }
                ?? namedChildren.first?.namedChildren.first { $0.nodeKind == .identifier }
        default: nil
        }
    }

    /// Calls `body` for each named child, with no intermediate array.
    public func forEachNamedChild(_ body: (Node) -> Void) {
        forEachChild { child, _ in
            if child.isNamed { body(child) }
        }
    }
}
