namespace ScratchOptim.Generator.Model
{
    /// <summary>
    /// Everything the generator knows about one optimizer declaration, as plain values. This is the incremental
    /// cache boundary: two parses that yield equal models produce the same source, so it must hold no Roslyn
    /// object and compare by value all the way down.
    /// </summary>
    internal sealed record OptimizerModel(
        DeclarationInfo Declaration,
        DocumentationInfo Documentation,
        bool Strict,
        EquatableArray<HyperModel> Hypers,
        EquatableArray<StateModel> States,
        UpdateSignature Signature,
        EquatableArray<Stmt> Body);

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
        string? StepState);

    internal enum HyperType
    {
        Double,
        Bool,
        Int,
    }

    /// <summary>A <c>[Hyper]</c> field.</summary>
    /// <param name="DeclaredDefault">The default as written when it is a literal (<c>1e-8</c>), for documentation; null otherwise.</param>
    internal sealed record HyperModel(
        string Name,
        string TorchName,
        HyperType Type,
        double Default,
        double Min,
        bool MinExclusive,
        double Max,
        bool MaxExclusive,
        string Description,
        string? DeclaredDefault);

    /// <summary>A <c>[State]</c> field: one float per parameter element, or one float per tensor.</summary>
    /// <param name="Init">The hyperparameter that fills it when allocated, or null for <paramref name="InitialValue"/>.</param>
    /// <param name="InitialValue">The constant it starts at when no hyperparameter is named (the field's initializer, or 0).</param>
    /// <param name="PerTensor">A <c>float</c> field: one value per tensor, step-uniform, updated once per step.</param>
    internal sealed record StateModel(string Name, string TorchName, string? Init, double InitialValue, bool PerTensor, string Description)
    {
        public ValueKind Kind => PerTensor ? ValueKind.Float : ValueKind.Element;
    }

    /// <summary>The names the update method gives its parameter, gradient and step count.</summary>
    internal sealed record UpdateSignature(string Param, string Grad, string Step);
}
