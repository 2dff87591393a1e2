import CTreeSitter

/// A node kind as a small integer, for hot paths: comparing two of these is one integer compare,
/// where comparing kind strings costs a string comparison per `case`. Symbols that share a name
/// (tree-sitter aliases) map to one kind.
public struct NodeKind: Hashable, Sendable, CustomStringConvertible {
    let id: UInt16

    public init(_ name: String) {
        guard let id = PythonGrammar.shared.kindIDByName[name] else {
            preconditionFailure("tree-sitter-python has no node kind named '\(name)'")
        }
        self.id = id
    }

    init(id: UInt16) { self.id = id }

    public var description: String { PythonGrammar.shared.kindBySymbol[Int(id)] }

    public static let identifier = NodeKind("identifier")
    public static let attribute = NodeKind("attribute")
    public static let call = NodeKind("call")
    public static let keywordArgument = NodeKind("keyword_argument")
    public static let decoratedDefinition = NodeKind("decorated_definition")
    public static let functionDefinition = NodeKind("function_definition")
    public static let classDefinition = NodeKind("class_definition")
    public static let lambda = NodeKind("lambda")
    public static let listComprehension = NodeKind("list_comprehension")
    public static let set = NodeKind("set")
    public static let setComprehension = NodeKind("set_comprehension")
    public static let dictionaryComprehension = NodeKind("dictionary_comprehension")
    public static let generatorExpression = NodeKind("generator_expression")
    public static let assignment = NodeKind("assignment")
    public static let augmentedAssignment = NodeKind("augmented_assignment")
    public static let namedExpression = NodeKind("named_expression")
    public static let forStatement = NodeKind("for_statement")
    public static let asPattern = NodeKind("as_pattern")
    public static let importStatement = NodeKind("import_statement")
    public static let importFromStatement = NodeKind("import_from_statement")
    public static let globalStatement = NodeKind("global_statement")
    public static let nonlocalStatement = NodeKind("nonlocal_statement")
    public static let deleteStatement = NodeKind("delete_statement")
    public static let casePattern = NodeKind("case_pattern")
    public static let keywordPattern = NodeKind("keyword_pattern")
    public static let splatPattern = NodeKind("splat_pattern")
    public static let typeParameter = NodeKind("type_parameter")
    public static let typeAliasStatement = NodeKind("type_alias_statement")
    public static let ifStatement = NodeKind("if_statement")
    public static let comment = NodeKind("comment")
    public static let string = NodeKind("string")
    public static let integer = NodeKind("integer")
    public static let aliasedImport = NodeKind("aliased_import")
    public static let argumentList = NodeKind("argument_list")
    public static let binaryOperator = NodeKind("binary_operator")
    public static let block = NodeKind("block")
    public static let comparisonOperator = NodeKind("comparison_operator")
    public static let decorator = NodeKind("decorator")
    public static let defaultParameter = NodeKind("default_parameter")
    public static let dictionary = NodeKind("dictionary")
    public static let dictionarySplat = NodeKind("dictionary_splat")
    public static let dictionarySplatPattern = NodeKind("dictionary_splat_pattern")
    public static let dottedName = NodeKind("dotted_name")
    public static let expressionStatement = NodeKind("expression_statement")
    public static let futureImportStatement = NodeKind("future_import_statement")
    public static let keywordSeparator = NodeKind("keyword_separator")
    public static let list = NodeKind("list")
    public static let listSplat = NodeKind("list_splat")
    public static let listSplatPattern = NodeKind("list_splat_pattern")
    public static let module = NodeKind("module")
    public static let pair = NodeKind("pair")
    public static let parameters = NodeKind("parameters")
    public static let parenthesizedExpression = NodeKind("parenthesized_expression")
    public static let positionalSeparator = NodeKind("positional_separator")
    public static let stringContent = NodeKind("string_content")
    public static let subscriptExpression = NodeKind("subscript")
    public static let tuple = NodeKind("tuple")
    public static let tuplePattern = NodeKind("tuple_pattern")
    public static let type = NodeKind("type")
    public static let typedDefaultParameter = NodeKind("typed_default_parameter")
    public static let typedParameter = NodeKind("typed_parameter")
    public static let whileStatement = NodeKind("while_statement")
    public static let execStatement = NodeKind("exec_statement")
    public static let printStatement = NodeKind("print_statement")
    public static let passStatement = NodeKind("pass_statement")
    public static let asPatternTarget = NodeKind("as_pattern_target")
    public static let assertStatement = NodeKind("assert_statement")
    public static let booleanOperator = NodeKind("boolean_operator")
    public static let breakStatement = NodeKind("break_statement")
    public static let caseClause = NodeKind("case_clause")
    public static let classPattern = NodeKind("class_pattern")
    public static let conditionalExpression = NodeKind("conditional_expression")
    public static let continueStatement = NodeKind("continue_statement")
    public static let elifClause = NodeKind("elif_clause")
    public static let elseClause = NodeKind("else_clause")
    public static let escapeSequence = NodeKind("escape_sequence")
    public static let exceptClause = NodeKind("except_clause")
    public static let exceptGroupClause = NodeKind("except_group_clause")
    public static let expressionList = NodeKind("expression_list")
    public static let falseLiteral = NodeKind("false")
    public static let finallyClause = NodeKind("finally_clause")
    public static let floatLiteral = NodeKind("float")
    public static let forInClause = NodeKind("for_in_clause")
    public static let ifClause = NodeKind("if_clause")
    public static let listPattern = NodeKind("list_pattern")
    public static let matchStatement = NodeKind("match_statement")
    public static let noneLiteral = NodeKind("none")
    public static let notOperator = NodeKind("not_operator")
    public static let patternList = NodeKind("pattern_list")
    public static let raiseStatement = NodeKind("raise_statement")
    public static let returnStatement = NodeKind("return_statement")
    public static let slice = NodeKind("slice")
    public static let stringEnd = NodeKind("string_end")
    public static let stringStart = NodeKind("string_start")
    public static let trueLiteral = NodeKind("true")
    public static let tryStatement = NodeKind("try_statement")
    public static let unaryOperator = NodeKind("unary_operator")
    public static let withClause = NodeKind("with_clause")
    public static let withStatement = NodeKind("with_statement")
}

/// A field name with its id looked up once.
public struct FieldName: Sendable {
    let id: TSFieldId

    public init(_ name: String) { id = PythonGrammar.shared.fieldID(name) }

    public static let name = FieldName("name")
    public static let value = FieldName("value")
    public static let left = FieldName("left")
    public static let right = FieldName("right")
    public static let type = FieldName("type")
    public static let body = FieldName("body")
    public static let object = FieldName("object")
    public static let attribute = FieldName("attribute")
    public static let function = FieldName("function")
    public static let arguments = FieldName("arguments")
    public static let parameters = FieldName("parameters")
    public static let returnType = FieldName("return_type")
    public static let superclasses = FieldName("superclasses")
    public static let alternative = FieldName("alternative")
    public static let alias = FieldName("alias")
    public static let moduleName = FieldName("module_name")
    public static let condition = FieldName("condition")
    public static let consequence = FieldName("consequence")
    public static let definition = FieldName("definition")
    public static let key = FieldName("key")
    /// The index of a `subscript` expression (`keys[0]`: `0`).
    public static let subscriptIndex = FieldName("subscript")
    public static let argument = FieldName("argument")
    public static let subject = FieldName("subject")
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
