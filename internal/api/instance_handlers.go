package api

// registerInstanceRoutes is the instance family's part of the route table.
func (s *Server) registerInstanceRoutes() {
}
