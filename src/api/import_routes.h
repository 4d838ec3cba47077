// Imports over HTTP: upload a CSV or JSONL file, poll the background job.
//
//   POST /api/v1/imports?kind=K[&format=csv|jsonl][&delimiter=C][&encoding=..]
//        [&key=external_id|email][&on_duplicate=skip|update|error][&atomic=true]
//        [&dry_run=true][&map=source=field ...]
//        body: the file itself (text/csv, application/x-ndjson, ...) or a
//        multipart/form-data form whose first file part is the file.
//        202 + the job (Location: /api/v1/imports/{id}); 413 past the upload limit.
//   GET  /api/v1/imports/{id}   the job: status, rows read, the final counts,
//        refused rows with their row, line and reason.
//
// Who: creating records of the kind for anyone (admins and managers; a rep
// could otherwise assign leads to others through an owner column); with
// on_duplicate=update also updating them. A job is visible to whoever
// uploaded it and to those who could have.
#pragma once

#include <cstddef>
#include <memory>

#include "api/limits.h"
#include "api/router.h"
#include "app/import_job_runner.h"

namespace icrm::api {

// REQUIRES: the router keeps the runner; `max_upload_bytes` bounds the body.
void add_import_routes(Router& router, std::shared_ptr<app::ImportJobRunner> runner,
                       std::size_t max_upload_bytes = kDefaultMaxUploadBytes);

}  // namespace icrm::api
