package paysig

/*
#include "paysig.h"
*/
import "C"

import (
	"errors"
	"unsafe"
)

// The sentinel errors, one per stable code (tests/vectors/FORMAT.md).
// Every error paysig returns is an *Error that matches one of them with
// errors.Is.
var (
	ErrInvalidJSON            = errors.New("paysig: invalid_json")
	ErrNumberOutOfRange       = errors.New("paysig: number_out_of_range")
	ErrDuplicateKey           = errors.New("paysig: duplicate_key")
	ErrInvalidString          = errors.New("paysig: invalid_string")
	ErrTooDeep                = errors.New("paysig: too_deep")
	ErrInvalidArgument        = errors.New("paysig: invalid_argument")
	ErrMissingHeader          = errors.New("paysig: missing_header")
	ErrMalformedHeader        = errors.New("paysig: malformed_header")
	ErrInvalidAPIKey          = errors.New("paysig: invalid_api_key")
	ErrInvalidSignature       = errors.New("paysig: invalid_signature")
	ErrTimestampExpired       = errors.New("paysig: timestamp_expired")
	ErrAheadOfTime            = errors.New("paysig: ahead_of_time")
	ErrMissingTimestamp       = errors.New("paysig: missing_timestamp")
	ErrMissingBody            = errors.New("paysig: missing_body")
	ErrBodyMismatch           = errors.New("paysig: body_mismatch")
	ErrNonceReused            = errors.New("paysig: nonce_reused")
	ErrReplayStoreUnavailable = errors.New("paysig: replay_store_unavailable")
	ErrNonceNotIncreasing     = errors.New("paysig: nonce_not_increasing")
	ErrNonceSourceUnavailable = errors.New("paysig: nonce_source_unavailable")
	ErrPanic                  = errors.New("paysig: panic")
	ErrInsufficientSize       = errors.New("paysig: insufficient_size")
	errUnknown                = errors.New("paysig: unknown")
)

// sentinels maps each result code of libpaysig to its sentinel.
var sentinels = map[C.enum_paysig_result]error{
	C.PAYSIG_RESULT_INVALID_JSON:             ErrInvalidJSON,
	C.PAYSIG_RESULT_NUMBER_OUT_OF_RANGE:      ErrNumberOutOfRange,
	C.PAYSIG_RESULT_DUPLICATE_KEY:            ErrDuplicateKey,
	C.PAYSIG_RESULT_INVALID_STRING:           ErrInvalidString,
	C.PAYSIG_RESULT_TOO_DEEP:                 ErrTooDeep,
	C.PAYSIG_RESULT_INVALID_ARGUMENT:         ErrInvalidArgument,
	C.PAYSIG_RESULT_MISSING_HEADER:           ErrMissingHeader,
	C.PAYSIG_RESULT_MALFORMED_HEADER:         ErrMalformedHeader,
	C.PAYSIG_RESULT_INVALID_API_KEY:          ErrInvalidAPIKey,
	C.PAYSIG_RESULT_INVALID_SIGNATURE:        ErrInvalidSignature,
	C.PAYSIG_RESULT_TIMESTAMP_EXPIRED:        ErrTimestampExpired,
	C.PAYSIG_RESULT_AHEAD_OF_TIME:            ErrAheadOfTime,
	C.PAYSIG_RESULT_MISSING_TIMESTAMP:        ErrMissingTimestamp,
	C.PAYSIG_RESULT_MISSING_BODY:             ErrMissingBody,
	C.PAYSIG_RESULT_BODY_MISMATCH:            ErrBodyMismatch,
	C.PAYSIG_RESULT_NONCE_REUSED:             ErrNonceReused,
	C.PAYSIG_RESULT_REPLAY_STORE_UNAVAILABLE: ErrReplayStoreUnavailable,
	C.PAYSIG_RESULT_NONCE_NOT_INCREASING:     ErrNonceNotIncreasing,
	C.PAYSIG_RESULT_NONCE_SOURCE_UNAVAILABLE: ErrNonceSourceUnavailable,
	C.PAYSIG_RESULT_PANIC:                    ErrPanic,
	C.PAYSIG_RESULT_INSUFFICIENT_SIZE:        ErrInsufficientSize,
}

// Error is a failure reported by libpaysig.
type Error struct {
	// Code is the stable code, e.g. "invalid_signature".
	Code string
	// Status is the HTTP status a verifier answers with (401, 503...);
	// 0 for errors that are not verification failures.
	Status int
	// Message describes the failure; it never contains a secret.
	Message string
	// Body is the provider's error response body for a verification
	// failure (JSON), nil otherwise.
	Body []byte

	sentinel error
}

func (e *Error) Error() string {
	return "paysig: " + e.Code + ": " + e.Message
}

// Unwrap returns the code's sentinel, so errors.Is(err, ErrInvalidJSON)
// works.
func (e *Error) Unwrap() error {
	return e.sentinel
}

// newError turns a failed call's code and error object into an *Error,
// freeing the object.
func newError(code C.enum_paysig_result, cerr *C.paysig_error) error {
	e := &Error{Code: C.GoString(C.paysig_result_name(C.uint32_t(code)))}
	if sentinel, ok := sentinels[code]; ok {
		e.sentinel = sentinel
	} else {
		e.sentinel = errUnknown
	}
	if cerr != nil {
		var n C.size_t
		if message := C.paysig_error_message(cerr, &n); message != nil {
			e.Message = C.GoStringN(message, C.int(n))
		}
		e.Status = int(C.paysig_error_status(cerr))
		if body := C.paysig_error_body(cerr, &n); body != nil {
			e.Body = C.GoBytes(unsafe.Pointer(body), C.int(n))
		}
		C.paysig_error_free(cerr)
	}
	return e
}
