/* Pieces of the score writers that only model runs have: the weights of
 * every node of the hierarchy and the notes, which name model nodes. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* 1 when node i is part of the hierarchy (an indicator or an aggregate). */
static int in_hierarchy(const cix_model *m, size_t i)
{
    cix_node_type t = cix_model_node_type(m, i);
    return t == CIX_NODE_INDICATOR || t == CIX_NODE_AGGREGATE;
}

void cli_model_weights_json(FILE *fp, const cli_view *v)
{
    size_t N = cix_model_nnodes(v->model), i, k = 0;
    fputs("  \"weights\": {", fp);
    for (i = 0; i < N; i++) {
        size_t parent = cix_model_node_parent(v->model, i);
        if (!in_hierarchy(v->model, i))
            continue;
        fprintf(fp, "%s\n    ", k++ ? "," : "");
        cli_json_string(fp, cix_model_node_code(v->model, i));
        fputs(": {\"parent\": ", fp);
        if (parent == CIX_NO_NODE)
            fputs("null", fp);
        else
            cli_json_string(fp, cix_model_node_code(v->model, parent));
        fprintf(fp, ", \"level\": %d, \"weight\": ", cix_model_node_level(v->model, i));
        cli_json_number(fp, v->node_weight[i]);
        fputs(", \"effective\": ", fp);
        cli_json_number(fp, v->node_eff_weight[i]);
        fputc('}', fp);
    }
    fputs(k ? "\n  }" : "}", fp);
}

/* Writes the nodes below node i, depth first, indented by depth. */
static void weights_rows(FILE *fp, const cli_view *v, size_t i, size_t depth, size_t wnode)
{
    const char *code = cix_model_node_code(v->model, i);
    size_t k, nc = cix_model_node_nchildren(v->model, i), w;
    char num[64];
    int n;

    cli_pad(fp, 2 * depth);
    fputs(code, fp);
    w = 2 * depth + cli_display_width(code);
    cli_pad(fp, wnode > w ? wnode - w : 0);
    cli_pad(fp, 2);
    fprintf(fp, "%5d", cix_model_node_level(v->model, i));
    n = isnan(v->node_weight[i]) ? snprintf(num, sizeof num, "-")
                                 : snprintf(num, sizeof num, "%.6f", v->node_weight[i]);
    cli_pad(fp, 2 + (n >= 0 && n < 8 ? 8 - (size_t)n : 0));
    fputs(num, fp);
    n = snprintf(num, sizeof num, "%.6f", v->node_eff_weight[i]);
    cli_pad(fp, 2 + (n >= 0 && n < 9 ? 9 - (size_t)n : 0));
    fputs(num, fp);
    cli_pad(fp, 2);
    fputs(cix_model_node_name(v->model, i), fp);
    fputc('\n', fp);
    for (k = 0; k < nc; k++) {
        size_t c = cix_model_node_child(v->model, i, k);
        if (in_hierarchy(v->model, c))
            weights_rows(fp, v, c, depth + 1, wnode);
    }
}

/* Width of the node column: codes indented by their depth. */
static size_t node_width(const cli_view *v, size_t i, size_t depth)
{
    size_t w = 2 * depth + cli_display_width(cix_model_node_code(v->model, i));
    size_t k, nc = cix_model_node_nchildren(v->model, i);
    for (k = 0; k < nc; k++) {
        size_t c = cix_model_node_child(v->model, i, k), cw;
        if (!in_hierarchy(v->model, c))
            continue;
        cw = node_width(v, c, depth + 1);
        if (cw > w)
            w = cw;
    }
    return w;
}

int cli_model_weights_table(FILE *fp, const cli_view *v)
{
    size_t root = cix_model_root(v->model);
    size_t wnode = node_width(v, root, 0);
    if (wnode < 4)
        wnode = 4;
    fputs("node", fp);
    cli_pad(fp, wnode - 4);
    fputs("  level    weight  effective  name\n", fp);
    weights_rows(fp, v, root, 0, wnode);
    return CLI_EXIT_OK;
}

void cli_model_notes_json(FILE *fp, const cli_view *v)
{
    size_t i;
    fputs(",\n  \"notes\": [", fp);
    for (i = 0; i < v->nnotes; i++) {
        const cix_note *t = v->notes[i];
        cli_note_json(fp, t, i > 0,
                      t->indicator != (size_t)-1 && t->indicator < cix_model_nnodes(v->model)
                          ? cix_model_node_code(v->model, t->indicator)
                          : NULL,
                      v->panel);
    }
    fputs(v->nnotes ? "\n  ]" : "]", fp);
}
