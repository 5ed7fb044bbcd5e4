package api

import "github.com/jejak-id/jejak/importer"

// apiRoutes is the table of /api/v1 endpoints; openapi.json documents each
// (a test checks that they agree).
func (s *Server) apiRoutes() []route {
	const v1 = "/api/v1"
	return []route{
		{method: "GET", pattern: v1 + "/openapi.json", public: true, fn: s.openAPI},
		{method: "GET", pattern: v1 + "/me", public: true, fn: s.me},
		{method: "GET", pattern: v1 + "/stream", public: true, fn: s.stream},
		{method: "GET", pattern: v1 + "/projections", public: true, fn: s.projectionsState},
		{method: "GET", pattern: v1 + "/catalogue/{year}", public: true, fn: s.getCatalogue},

		{method: "GET", pattern: v1 + "/regions", public: true, fn: s.listRegions},
		{method: "GET", pattern: v1 + "/regions/{code}", public: true, fn: s.getRegion},
		{method: "PATCH", pattern: v1 + "/regions/{code}", fn: s.updateRegion},
		{method: "GET", pattern: v1 + "/regions/{code}/scores", public: true, fn: s.regionScores},

		{method: "GET", pattern: v1 + "/periods", public: true, fn: s.listPeriods},
		{method: "POST", pattern: v1 + "/periods", fn: s.openPeriod},
		{method: "GET", pattern: v1 + "/periods/{year}", public: true, fn: s.getPeriod},
		{method: "GET", pattern: v1 + "/periods/{year}/summary", fn: s.getPhaseSummary},
		{method: "POST", pattern: v1 + "/periods/{year}/advance", fn: s.advancePhase},

		{method: "GET", pattern: v1 + "/index/{year}", public: true, fn: s.getOverview},
		{method: "GET", pattern: v1 + "/index/{year}/{region}", public: true, fn: s.getScore},
		{method: "GET", pattern: v1 + "/index/{year}/{region}/innovations/{id}", public: true, fn: s.getScoreInnovation},
		{method: "GET", pattern: v1 + "/index/{year}/{region}/warnings", public: true, fn: s.getScoreWarnings},
		{method: "GET", pattern: v1 + "/index/{year}/{region}/simulation", public: true, fn: s.getSimulation},
		{method: "GET", pattern: v1 + "/index/{year}/{region}/history", public: true, fn: s.getScoreHistory},
		{method: "GET", pattern: v1 + "/index/{year}/{region}/report", public: true, fn: s.getReport},
		{method: "GET", pattern: v1 + "/reports/verify", public: true, fn: s.verifyReport},
		{method: "GET", pattern: v1 + "/rankings/{year}", public: true, fn: s.getRankings},

		{method: "GET", pattern: v1 + "/innovations", public: true, fn: s.listInnovations},
		{method: "POST", pattern: v1 + "/innovations", fn: s.proposeInnovation},
		{method: "GET", pattern: v1 + "/innovations/{id}", public: true, fn: s.getInnovation},
		{method: "POST", pattern: v1 + "/innovations/{id}/stage", fn: s.advanceStage},
		{method: "POST", pattern: v1 + "/innovations/{id}/withdraw", fn: s.withdrawInnovation},
		{method: "POST", pattern: v1 + "/innovations/{id}/publicity", fn: s.setPublicity},
		{method: "POST", pattern: v1 + "/innovations/{id}/replications", fn: s.recordReplication},

		{method: "GET", pattern: v1 + "/assessments/{year}/{region}/answers", fn: s.listAnswers},
		{method: "POST", pattern: v1 + "/assessments/{year}/{region}/answers", fn: s.submitAnswer},
		{method: "POST", pattern: v1 + "/assessments/{year}/{region}/verifications", fn: s.verifyAnswer},
		{method: "POST", pattern: v1 + "/assessments/{year}/rejections", fn: s.rejectInnovation},
		{method: "GET", pattern: v1 + "/verification-queue", fn: s.getQueue},

		{method: "POST", pattern: v1 + "/evidence", upload: true, fn: s.uploadEvidence},
		{method: "GET", pattern: v1 + "/evidence/limits", public: true, fn: s.evidenceLimits},
		{method: "GET", pattern: v1 + "/evidence/{sha256}", fn: s.getEvidence},

		{method: "GET", pattern: v1 + "/bimtek", fn: s.listSessions},
		{method: "POST", pattern: v1 + "/bimtek", fn: s.scheduleBimtek},
		{method: "GET", pattern: v1 + "/bimtek/{id}", fn: s.getSession},
		{method: "POST", pattern: v1 + "/bimtek/{id}/attendance", fn: s.recordAttendance},
		{method: "POST", pattern: v1 + "/bimtek/{id}/close", fn: s.closeBimtek},
		{method: "POST", pattern: v1 + "/people/{subject}/erasure", fn: s.erasePerson},

		{method: "GET", pattern: v1 + "/imports/template", public: true, fn: s.importTemplate},
		{method: "POST", pattern: v1 + "/imports", fn: s.importFile, maxBody: importer.MaxFileBytes},

		{method: "GET", pattern: v1 + "/exports", fn: s.listExports},
		{method: "POST", pattern: v1 + "/exports", fn: s.startExport},
		{method: "GET", pattern: v1 + "/exports/{id}", fn: s.getExport},
		{method: "GET", pattern: v1 + "/exports/{id}/download", fn: s.downloadExport},

		{method: "GET", pattern: v1 + "/stats", fn: s.getStats},
		{method: "GET", pattern: v1 + "/audit", fn: s.getAudit},
		{method: "GET", pattern: v1 + "/events/recent", fn: s.recentEvents},

		{method: "GET", pattern: v1 + "/log/head", public: true, fn: s.logHead},
		{method: "GET", pattern: v1 + "/log/heads", public: true, fn: s.logHeads},
		{method: "GET", pattern: v1 + "/log/proof/inclusion", public: true, fn: s.logInclusion},
		{method: "GET", pattern: v1 + "/log/proof/consistency", public: true, fn: s.logConsistency},
	}
}
