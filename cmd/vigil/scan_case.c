/* vigil scan --store CASE: the scan's items into the case registry as the sink hands them over. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "scan_case.h"

int scan_case_open(scan_case *sc, const char *arg)
{
    vigil_actor who;
    int rc;
    memset(sc, 0, sizeof *sc);
    if (cli_parse_case_id(&sc->id, arg))
        return EXIT_USAGE;
    if ((rc = cli_reg_open_existing(&sc->reg, &who, NULL)) != 0)
        return rc;
    if (vigil_case_store_begin(&sc->store, sc->reg, &who, sc->id, "scan", &sc->err) < 0) {
        rc = cli_fail(&sc->err);
        vigil_registry_close(sc->reg);
        sc->reg = NULL;
        return rc;
    }
    return 0;
}

int scan_case_item(scan_case *sc, const vigil_item *it)
{
    vigil_case_item ci;
    vigil_case_item_text text;
    if (!sc->store || sc->failed)
        return sc->failed;
    if (vigil_case_item_of(&ci, &text, it) < 0) {
        vigil_error_set(&sc->err, VIGIL_ENOMEM, "scan: out of memory storing items");
        sc->failed = 1;
        return 1;
    }
    if (vigil_case_store_add(sc->store, &ci, &sc->err) < 0)
        sc->failed = 1;
    vigil_case_item_text_free(&text);
    return sc->failed;
}

int scan_case_finish(scan_case *sc, int complete, int quiet, int rc)
{
    vigil_case_store_result res;
    if (!sc->reg)
        return rc;
    if (complete && !sc->failed) {
        if (vigil_case_store_commit(sc->store, &res, &sc->err) < 0)
            sc->failed = 1;
        else if (!quiet)
            fprintf(stderr, "vigil: scan: %s\n", cli_text(vigil_registry_last_change(sc->reg)));
    } else {
        vigil_case_store_abort(sc->store);
    }
    sc->store = NULL;
    if (sc->failed) {
        cli_error("scan: nothing stored with case %lld: %s", (long long)sc->id, sc->err.msg);
        if (rc == EXIT_OK)
            rc = vigil_error_exit_status(sc->err.code);
    } else if (!complete) {
        cli_error("scan: nothing stored with case %lld: the scan did not complete", (long long)sc->id);
    }
    vigil_registry_close(sc->reg);
    sc->reg = NULL;
    return rc;
}
