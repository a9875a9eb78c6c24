package api

// registerAssociationRoutes is the association family's part of the route
// table.
func (s *Server) registerAssociationRoutes() {
}
