package api

import "strings"

// router matches method + path against the native route table. Literal
// segments win over {variables}; a path that matches with another method is
// told apart from one that matches nothing (405 vs 404 on the trusted door).
type router struct {
	routes []*route
}

type route struct {
	method  string
	pattern string
	segs    []string
	name    string // the bk-cmdb operation, for logs and metrics
	h       HandlerFunc
	// takesDoc: h reads Request.Doc when it is set (InvokeDoc).
	takesDoc bool
}

func (rt *router) add(method, pattern, name string, h HandlerFunc) {
	rt.routes = append(rt.routes, &route{
		method: method, pattern: pattern, name: name, h: h,
		segs: strings.Split(strings.Trim(pattern, "/"), "/"),
	})
}

// addDoc adds a route whose handler reads Request.Doc, the body a door has
// decoded already, when it is set.
func (rt *router) addDoc(method, pattern, name string, h HandlerFunc) {
	rt.add(method, pattern, name, h)
	rt.routes[len(rt.routes)-1].takesDoc = true
}

// match finds the route for method and path. found=false, methodOK=true
// means the path is known under another method.
func (rt *router) match(method, path string) (r *route, params map[string]string, methodOK bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	best, bestScore := (*route)(nil), -1
	var bestParams map[string]string
	pathKnown := false
	for _, cand := range rt.routes {
		score, p, ok := cand.matchSegs(segs)
		if !ok {
			continue
		}
		pathKnown = true
		if cand.method != method {
			continue
		}
		if score > bestScore {
			best, bestScore, bestParams = cand, score, p
		}
	}
	if best == nil {
		return nil, nil, pathKnown
	}
	return best, bestParams, true
}

// matchSegs reports whether segs fit the route, scoring literal matches.
func (r *route) matchSegs(segs []string) (int, map[string]string, bool) {
	if len(segs) != len(r.segs) {
		return 0, nil, false
	}
	score := 0
	var params map[string]string
	for i, s := range r.segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			if segs[i] == "" {
				return 0, nil, false
			}
			if params == nil {
				params = map[string]string{}
			}
			params[s[1:len(s)-1]] = segs[i]
			continue
		}
		if s != segs[i] {
			return 0, nil, false
		}
		score++
	}
	return score, params, true
}
