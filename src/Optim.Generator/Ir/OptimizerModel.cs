namespace ScratchOptim.Generator.Ir
{
    /// <summary>
    /// Everything the generator knows about one optimizer declaration, as plain values. This is the incremental
    /// cache boundary: two parses that yield equal models produce the same source, so it must hold no Roslyn
    /// object and compare by value all the way down.
    /// </summary>
    /// <param name="AcrossGroups">The group values span every parameter group (<c>[Optimizer(AcrossGroups = true)]</c>).</param>
    internal sealed record OptimizerModel(
        DeclarationInfo Declaration,
        DocumentationInfo Documentation,
        bool Strict,
        EquatableArray<HyperModel> Hypers,
        EquatableArray<StateModel> States,
        UpdateSignature Signature,
        EquatableArray<Stmt> Body,
        EquatableArray<ProcedureModel> Procedures = default,
        EquatableArray<Requirement> Requirements = default,
        bool AcrossGroups = false);

    /// <summary>Where the partial class lives.</summary>
    /// <param name="Namespace">The namespace, or empty for the global namespace.</param>
    /// <param name="Name">The class name.</param>
    internal sealed record DeclarationInfo(string Namespace, string Name)
    {
        public string FullName => Namespace.Length == 0 ? Name : Namespace + "." + Name;
    }

    /// <summary>What the docs say, from the <c>[Optimizer]</c> attribute and the class's XML summary.</summary>
    internal sealed record DocumentationInfo(
        string Summary,
        int Year,
        string? Authors,
        string? Paper,
        string? BuildsOn,
        string? Family,
        string? PyTorch,
        string? StepState,
        int MinRank,
        int MaxRank);

    internal enum HyperType
    {
        Double,
        Bool,
        Int,
        Enum,
    }

    /// <summary>A <c>[Hyper]</c> field.</summary>
    /// <param name="Default">The default; for an enum, the value of its member.</param>
    /// <param name="DefaultText">The default as the declaration writes it (<c>1e-8</c>), for the documentation.</param>
    /// <param name="Enum">The enum type of an enum hyperparameter, null for the others.</param>
    /// <param name="Optional">
    /// A <c>double?</c>: null is a setting of its own (PyTorch's <c>None</c>, e.g. "the dtype's epsilon"); the update reads
    /// it with <c>??</c>, <c>.Value</c>, <c>.HasValue</c> or a comparison with null.
    /// </param>
    internal sealed record HyperModel(
        string Name,
        string TorchName,
        HyperType Type,
        double Default,
        string DefaultText,
        double Min,
        bool MinExclusive,
        double Max,
        bool MaxExclusive,
        string Description,
        EnumModel? Enum = null,
        bool Optional = false)
    {
        /// <summary>The name of the enum member that is the default (enum hyperparameters only).</summary>
        public string? DefaultMember => Enum?.NameOf(Default);
    }

    /// <summary>The enum type of an enum hyperparameter.</summary>
    /// <param name="Type">Its fully qualified name as C# source, e.g. <c>global::ScratchOptim.Dsl.PyTorchVersion</c>.</param>
    /// <param name="Name">Its simple name, for documentation, e.g. <c>PyTorchVersion</c>.</param>
    /// <param name="Members">Its named values, in declaration order.</param>
    internal sealed record EnumModel(string Type, string Name, EquatableArray<EnumMember> Members)
    {
        /// <summary>The first member with <paramref name="value"/>, or null when no member has it.</summary>
        public string? NameOf(double value)
        {
            foreach (var member in Members)
                if (member.Value == value) return member.Name;
            return null;
        }
    }

    /// <summary>A named value of an enum.</summary>
    internal sealed record EnumMember(string Name, double Value);

    /// <summary>
    /// A <c>[State]</c> field: what it holds and how many values it has per tensor. This is the one description of a
    /// state that allocation, the span kernel's checks, the documentation and the state file all derive from.
    /// </summary>
    /// <param name="Init">The hyperparameter that fills it when allocated, or null for <paramref name="InitialValue"/>.</param>
    /// <param name="InitialValue">The constant it starts at when no hyperparameter is named (the field's initializer, or 0).</param>
    /// <param name="Scalar">What its values are: the element type (an <c>Element</c> field), float32 or double.</param>
    /// <param name="Space">How many values it has: one per element, per tensor, per row or per column, or a whole matrix.</param>
    /// <param name="Matrix">For a <c>Matrix</c> state (<see cref="Space.Matrix"/>): its shape, rows × rows or columns × columns.</param>
    internal sealed record StateModel(string Name, string TorchName, string? Init, double InitialValue, Scalar Scalar, Space Space, string Description,
        MatrixShape? Matrix = null)
    {
        public IrType Type => new IrType(Scalar, Space);

        /// <summary>One value per tensor: a local of the step, read and written back once.</summary>
        public bool IsUniform => Type.IsUniform;
    }

    /// <summary>
    /// The names the update method gives its parameter, gradient and step count. A procedure may leave any of them out:
    /// its name is then empty.
    /// </summary>
    internal sealed record UpdateSignature(string Param, string Grad, string Step)
    {
        public bool HasParam => Param.Length > 0;

        public bool HasGrad => Grad.Length > 0;

        public bool HasStep => Step.Length > 0;
    }
}
